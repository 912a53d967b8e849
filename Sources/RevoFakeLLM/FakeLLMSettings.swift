/// The physics of `revo fake-llm`: the sim fakes' knobs, settable by flags at start and through the admin API.
public struct FakeLLMSettings: Sendable, Codable, Equatable {
    /// Model name reported back (any requested name is accepted).
    public var model = "revo-fake"
    public var timeToFirstTokenMs: Double = 50
    public var interTokenMs: Double = 5
    /// Relative spread of both latencies (0.2 = ±20%), drawn from the seed.
    public var spread: Double = 0.2
    /// Completion tokens when the request allows that many (mean, ±spread).
    public var outputTokens = 40
    /// Requests served at full speed at once; each one beyond slows all by 10%.
    public var concurrencySlots = 64
    public var contextWindow = 128_000
    /// When set, requests must carry it (`Authorization: Bearer` or Anthropic's `x-api-key`).
    public var apiKey: String?
    /// How a 429's Retry-After is written: `seconds`, `milliseconds` (`retry-after-ms` alone) or `http_date`.
    public var retryAfterFormat = "seconds"
    /// Which real provider's words a context-length refusal uses (an index into ``UpstreamError/contextWordings``).
    public var contextErrorWording = 0

    public static let retryAfterFormats = ["seconds", "milliseconds", "http_date"]

    public init() {}

    /// Checks every field, naming the first one out of range.
    public func validated() throws(FakeLLMError) -> FakeLLMSettings {
        func require(_ ok: Bool, _ field: String, _ allowed: String) throws(FakeLLMError) {
            if !ok { throw .invalidField(field, allowed) }
        }
        try require(!model.isEmpty, "model", "a non-empty name")
        try require((0...600_000).contains(timeToFirstTokenMs), "time_to_first_token_ms", "0 to 600000")
        try require((0...60_000).contains(interTokenMs), "inter_token_ms", "0 to 60000")
        try require((0...1).contains(spread), "spread", "0 to 1")
        try require((1...100_000).contains(outputTokens), "output_tokens", "1 to 100000")
        try require((1...100_000).contains(concurrencySlots), "concurrency_slots", "1 to 100000")
        try require((16...10_000_000).contains(contextWindow), "context_window", "16 to 10000000")
        try require(Self.retryAfterFormats.contains(retryAfterFormat), "retry_after_format", Self.retryAfterFormats.joined(separator: ", "))
        try require(
            UpstreamError.contextWordings.indices.contains(contextErrorWording),
            "context_error_wording",
            "0 to \(UpstreamError.contextWordings.count - 1)"
        )
        return self
    }

    /// A partial update: the fields given replace these.
    public struct Update: Sendable, Codable {
        public var model: String?
        public var timeToFirstTokenMs: Double?
        public var interTokenMs: Double?
        public var spread: Double?
        public var outputTokens: Int?
        public var concurrencySlots: Int?
        public var contextWindow: Int?
        public var apiKey: String?
        public var retryAfterFormat: String?
        public var contextErrorWording: Int?
    }

    public func applying(_ update: Update) throws(FakeLLMError) -> FakeLLMSettings {
        var next = self
        if let value = update.model { next.model = value }
        if let value = update.timeToFirstTokenMs { next.timeToFirstTokenMs = value }
        if let value = update.interTokenMs { next.interTokenMs = value }
        if let value = update.spread { next.spread = value }
        if let value = update.outputTokens { next.outputTokens = value }
        if let value = update.concurrencySlots { next.concurrencySlots = value }
        if let value = update.contextWindow { next.contextWindow = value }
        if let value = update.apiKey { next.apiKey = value.isEmpty ? nil : value }
        if let value = update.retryAfterFormat { next.retryAfterFormat = value }
        if let value = update.contextErrorWording { next.contextErrorWording = value }
        return try next.validated()
    }
}
