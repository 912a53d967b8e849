/// A JSON value as ``JSONObjectReader`` reads it: numbers kept as written, members in order. The API reads request
/// bodies into these; clients (the simulation's, tests) read answers with ``init(parsing:)``.
public enum JSONValue: Sendable, Equatable {
    case string(String)
    case number(Number)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([Member])

    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue
    }

    /// A number as written, so an integer field can refuse `1.5` and take `16` exactly.
    public struct Number: Sendable, Equatable {
        public var text: String
        /// Written without a fraction or an exponent.
        public var isIntegral: Bool
    }

    /// The one JSON value `bytes` holds (RFC 8259, strictly).
    public init(parsing bytes: UnsafeRawBufferPointer) throws(JSONObjectReader.SyntaxError) {
        self = try JSONObjectReader.value(of: bytes)
    }

    /// The object `bytes` holds with only the members named in `keeping` (the others are checked as strictly and left
    /// out): a client that reads a few fields of a long answer builds only those.
    public init(parsing bytes: UnsafeRawBufferPointer, keeping: [String]) throws(JSONObjectReader.SyntaxError) {
        self = try JSONObjectReader.value(of: bytes, keeping: keeping)
    }

    /// The member `key` of an object; nil for anything else or when absent.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var string: String? {
        if case .string(let text) = self { text } else { nil }
    }

    public var double: Double? {
        if case .number(let number) = self { Double(number.text) } else { nil }
    }

    public var int: Int? {
        if case .number(let number) = self, number.isIntegral { Int(number.text) } else { nil }
    }

    public var bool: Bool? {
        if case .bool(let flag) = self { flag } else { nil }
    }

    public var array: [JSONValue]? {
        if case .array(let items) = self { items } else { nil }
    }
}
