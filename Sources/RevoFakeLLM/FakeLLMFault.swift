import RevoCore
import RevoSim

/// A fault added at run time through `POST /admin/faults`, in the scenario vocabulary for providers.
///
/// `{"kind": "rate_limit", "retry_after_s": 20, "for_ms": 60000}` answers 429 with Retry-After 20 for a minute;
/// `first_n` and `probability` pick which requests it hits (drawn from the seed).
public struct FakeLLMFault: Sendable, Codable, Equatable {
    public static let kinds = [
        "rate_limit", "server_error", "error_rate", "timeout", "latency", "disconnect", "stream_stall", "error_event", "malformed_event",
        "content_policy", "outage",
    ]

    public var kind: String
    public var id: String?
    public var retryAfterS: Double?
    public var status: Int?
    public var rate: Double?
    public var latencyMs: Double?
    public var afterTokens: Int?

    /// How long the fault lasts from when it is added; absent: until removed.
    public var forMs: Double?
    public var firstN: Int?
    public var probability: Double?

    public init(kind: String, id: String? = nil) {
        self.kind = kind
        self.id = id
    }

    /// The fault as the fake provider takes it, starting `now` on its clock.
    func spec(provider: ProviderID, now: Duration, index: Int) throws(FakeLLMError) -> FaultSpec {
        let kind: FaultSpec.Kind
        switch self.kind {
        case "rate_limit":
            kind = .rateLimit(
                retryAfter: try retryAfterS.map { value throws(FakeLLMError) in
                    guard (0...3600).contains(value) else { throw .invalidField("retry_after_s", "0 to 3600") }
                    return .milliseconds(Int64(value * 1000))
                }
            )
        case "server_error":
            let status = status ?? 500
            guard (500...599).contains(status) else { throw .invalidField("status", "500 to 599") }
            kind = .serverError(status: status)
        case "error_rate":
            guard let rate, (0...1).contains(rate) else { throw .invalidField("rate", "0 to 1") }
            kind = .errorRate(rate, code: status.map(String.init))
        case "timeout": kind = .timeout
        case "latency":
            guard let latencyMs, (0...600_000).contains(latencyMs) else { throw .invalidField("latency_ms", "0 to 600000") }
            kind = .latency(.milliseconds(Int64(latencyMs)))
        case "disconnect", "stream_stall", "error_event", "malformed_event":
            guard let afterTokens, afterTokens >= 0 else { throw .invalidField("after_tokens", "0 or more") }
            kind =
                switch self.kind {
                case "disconnect": .disconnect(afterTokens: afterTokens)
                case "stream_stall": .stall(afterTokens: afterTokens)
                default: .streamFault(StreamFault.Form(rawValue: self.kind)!, afterTokens: afterTokens)
                }

        case "content_policy": kind = .contentPolicy
        case "outage": kind = .outage(code: nil)
        default: throw .invalidField("kind", "one of \(Self.kinds.joined(separator: ", "))")
        }
        if let forMs, forMs <= 0 { throw .invalidField("for_ms", "positive") }
        if let firstN, firstN < 1 { throw .invalidField("first_n", "1 or more") }
        if let probability, !(0...1).contains(probability) { throw .invalidField("probability", "0 to 1") }
        return FaultSpec(
            id: id ?? "\(self.kind)-\(index)",
            kind: kind,
            target: .provider(provider),
            at: now,
            duration: forMs.map { .milliseconds(Int64($0)) },
            firstN: firstN,
            probability: probability ?? 1,
            operations: ["generate"]
        )
    }
}
