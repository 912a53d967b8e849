/// Why the admin API refused a change; names the field and what it allows.
public enum FakeLLMError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidField(String, String)

    public var description: String {
        switch self {
        case .invalidField(let field, let allowed): "field '\(field)' must be \(allowed)"
        }
    }
}
