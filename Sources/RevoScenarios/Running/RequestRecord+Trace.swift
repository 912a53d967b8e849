import RevoCore

extension RequestRecord {
    /// The request as the simulation's trace records it: `request <index> <operation> <status> <outcome> <provider>
    /// <latency ns>`, written into one string without interpolation (a finished request is the trace's most frequent
    /// event).
    func traceLine(index: Int) -> String {
        let operation = operation.rawValue
        let outcome = outcome.rawValue
        let provider = provider?.rawValue ?? "-"
        let capacity = 8 + 3 * 21 + operation.utf8.count + outcome.utf8.count + provider.utf8.count + 5
        return UTF8Writer.string(capacity: capacity) { line in
            line.append("request ")
            line.append(decimal: index)
            line.append(byte: UInt8(ascii: " "))
            line.append(operation)
            line.append(byte: UInt8(ascii: " "))
            line.append(decimal: status ?? 0)
            line.append(byte: UInt8(ascii: " "))
            line.append(outcome)
            line.append(byte: UInt8(ascii: " "))
            line.append(provider)
            line.append(byte: UInt8(ascii: " "))
            line.append(decimal: Int(latency.nanoseconds))
        }
    }
}
