/// The name of a model provider, as configured and as shown in traces and headers.
public struct ProviderID: Sendable, Hashable, Comparable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: ProviderID, rhs: ProviderID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }

    // The providers of the original system.
    public static let deepseekR1: ProviderID = "deepseek_r1_0528"
    public static let llamaLocal: ProviderID = "llama_local"
    public static let openai: ProviderID = "openai"
    public static let anthropic: ProviderID = "anthropic"
    public static let mock: ProviderID = "mock"
}

/// Where a provider's model runs, which decides how it is selected, loaded and billed.
public enum ProviderKind: String, Sendable, Codable, CaseIterable {
    /// On this machine: needs RAM / GPU memory and native libraries; loaded before use.
    case local
    /// A remote API: needs a key; billed per token.
    case api
    /// Canned, instant answers; the last resort when enabled.
    case mock
}
