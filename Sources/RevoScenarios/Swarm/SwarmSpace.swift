import RevoCore

/// The bounds a swarm draws its runs from: how long, how busy, which operations, and which faults may be on, where,
/// when, for how long and how hard. Each seed turns a random subset of the fault kinds on (swarm testing).
public struct SwarmSpace: Sendable {
    /// A kind of fault the swarm may turn on, with the targets it may hit and the bounds of its strength.
    public struct FaultKind: Sendable, Equatable {
        /// A scenario's `what:` (outage, timeout, latency, error_rate, rate_limit, server_error, disconnect, …).
        public var what: String
        /// Scenario `where:` values it may hit.
        public var targets: [String]
        /// Relative chance that a drawn fault is of this kind (among the kinds turned on for the seed).
        public var weight: Int
        /// How long one occurrence lasts.
        public var length: ClosedRange<Int>
        /// Strength, for the kinds that have one: a latency in milliseconds, an error rate, a Retry-After in seconds,
        /// a status, tokens before a stream is cut.
        public var latencyMilliseconds: ClosedRange<Int>?
        public var errorRate: ClosedRange<Double>?
        public var retryAfterSeconds: ClosedRange<Int>?
        public var statuses: [Int]
        public var afterTokens: ClosedRange<Int>?
        /// Typed error codes an outage may carry (none: connection refused).
        public var codes: [String]
    }

    public var name: String
    public var description: String
    public var file: String
    /// Run length in seconds.
    public var duration: ClosedRange<Int>
    /// Requests per second.
    public var rate: ClosedRange<Double>
    /// Operations the workload may send, with weights; each seed keeps a random subset of them.
    public var mix: [(operation: Workload.Operation, weight: Int)]
    /// Share of requests replaced by bad input.
    public var badInput: ClosedRange<Double>
    /// The `system:` section every drawn scenario carries, as YAML lines (re-serialised from the space).
    public var system: String?
    public var systemSpec: SystemSpec
    public var faultKinds: [FaultKind]
    /// Faults per seed, at most.
    public var maxFaults: Int
    /// Chance that a drawn fault never clears (liveness is then not judged for the seed).
    public var permanent: Double
    /// Once every fault has cleared, the service is healthy again within this many seconds.
    public var recoverySeconds: Int
}
