/// A toxic's `attributes` object: numbers and strings by name, read with the field named in any error.
public struct ToxicAttributes: Sendable, Equatable, Codable {
    public enum Value: Sendable, Equatable, Codable {
        case number(Double)
        case string(String)

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let text = try? container.decode(String.self) {
                self = .string(text)
            } else if let flag = try? container.decode(Bool.self) {
                self = .number(flag ? 1 : 0)
            } else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "an attribute is a number or a string")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .number(let number):
                if number == number.rounded(), abs(number) < 1e15 { try container.encode(Int64(number)) } else { try container.encode(number) }
            case .string(let text): try container.encode(text)
            }
        }
    }

    public var values: [String: Value]

    public init(_ values: [String: Value] = [:]) {
        self.values = values
    }

    public init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: Value].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }

    func int(_ name: String, default fallback: Int) throws(ToxicError) -> Int {
        try optionalInt(name) ?? fallback
    }

    func optionalInt(_ name: String) throws(ToxicError) -> Int? {
        switch values[name] {
        case nil: return nil
        case .number(let number):
            guard number >= 0, number <= Double(Int32.max), number == number.rounded() else {
                throw .invalidAttribute(name, "must be a whole number from 0 to \(Int32.max), got \(number)")
            }
            return Int(number)
        case .string(let text):
            guard let number = Int(text), number >= 0 else { throw .invalidAttribute(name, "must be a whole number, got '\(text)'") }
            return number
        }
    }

    func string(_ name: String, default fallback: String) throws(ToxicError) -> String {
        switch values[name] {
        case nil: return fallback
        case .string(let text): return text
        case .number(let number): throw .invalidAttribute(name, "must be a string, got \(number)")
        }
    }

    /// Merges an update: the attributes it names replace these, the rest stay.
    func merging(_ update: ToxicAttributes) -> ToxicAttributes {
        ToxicAttributes(values.merging(update.values) { _, new in new })
    }
}
