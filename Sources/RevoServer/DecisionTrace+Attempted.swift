import RevoCore

extension DecisionTrace {
    /// The `x-revo-attempted` header's value: the providers actually called, in order, without repeats,
    /// comma-separated. Written into one string, so a chat answered by its first provider makes no list for it.
    var attemptedHeaderValue: String {
        var value = ""
        forEachAttempted { provider in
            if !value.isEmpty { value.append(",") }
            value.append(provider.rawValue)
        }
        return value
    }
}
