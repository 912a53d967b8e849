/// When a provider's circuit opens and how it recovers. Defaults follow LiteLLM and Portkey: more than half of the
/// calls in the last minute failed (with at least five calls), or five failed in a row; cool down 30 s, then let one
/// probe through.
public struct BreakerSettings: Sendable, Equatable {
    public var enabled: Bool
    /// The sliding window failure rates are measured over.
    public var window: Duration
    /// Fewer calls than this in the window never open the circuit.
    public var minimumRequests: Int
    /// Open when failures / calls in the window reach this.
    public var failureRateThreshold: Double
    /// Also open after this many failures in a row (0: never), so a sudden outage after a healthy minute does not
    /// wait for the old successes to leave the window.
    public var consecutiveFailures: Int
    /// How long an open circuit rejects calls before it lets a probe through.
    public var cooldown: Duration
    /// Calls let through at once while half-open.
    public var halfOpenProbes: Int
    /// How long a provider cools down after a 429 that carried no Retry-After.
    public var rateLimitCooldown: Duration

    public init(
        enabled: Bool = true,
        window: Duration = .seconds(60),
        minimumRequests: Int = 5,
        failureRateThreshold: Double = 0.5,
        consecutiveFailures: Int = 5,
        cooldown: Duration = .seconds(30),
        halfOpenProbes: Int = 1,
        rateLimitCooldown: Duration = .seconds(5)
    ) {
        self.enabled = enabled
        self.window = window
        self.minimumRequests = minimumRequests
        self.failureRateThreshold = failureRateThreshold
        self.consecutiveFailures = consecutiveFailures
        self.cooldown = cooldown
        self.halfOpenProbes = halfOpenProbes
        self.rateLimitCooldown = rateLimitCooldown
    }
}
