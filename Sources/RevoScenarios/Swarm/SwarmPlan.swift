import RevoCore

/// One run a swarm drew: its shape, workload and faults, written out as an ordinary scenario file. Shrinking edits a
/// plan; the file it writes is exactly what ran.
public struct SwarmPlan: Sendable, Equatable {
    public struct Fault: Sendable, Equatable {
        public var id: String
        /// A scenario's `what:` and `where:`.
        public var what: String
        public var target: String
        public var atSeconds: Int
        /// nil: the fault never clears.
        public var lengthSeconds: Int?
        public var latencyMilliseconds: Int?
        public var errorRate: Double?
        public var retryAfterSeconds: Int?
        public var status: Int?
        public var afterTokens: Int?
        public var code: String?

        /// When it clears, in seconds from the start; nil when it never does.
        public var endSeconds: Int? { lengthSeconds.map { atSeconds + $0 } }

        /// Kind and target, as the fault-kind table groups them: `outage@cache`, `latency@provider`.
        public var group: String {
            "\(what)@\(target.hasPrefix("provider:") ? "provider" : target)"
        }
    }

    public struct MixEntry: Sendable, Equatable {
        public var operation: Workload.Operation
        public var weight: Int
    }

    /// The swarm seed this plan was drawn from.
    public var seed: UInt64
    /// The seed of the system's own randomness (arrivals, physics): drawn apart from the plan, kept while shrinking.
    public var systemSeed: UInt64
    public var space: String
    public var durationSeconds: Int
    public var rate: Double
    public var mix: [MixEntry]
    public var badInput: Double
    public var faults: [Fault]
    public var recoverySeconds: Int
    /// The space's `system:` section, as YAML lines.
    public var system: String?
    /// Upstream calls one request may make: the fallback chain times the retries.
    public var upstreamBudget: Int

    /// Liveness is judged only when every fault clears.
    public var judgesLiveness: Bool { !faults.isEmpty && faults.allSatisfy { $0.lengthSeconds != nil } }

    /// The properties this plan can check, given what its workload sends.
    public var properties: [SwarmProperty] {
        SwarmProperty.allCases.filter { $0.applies(to: self) }
    }

    public func sends(_ operation: Workload.Operation) -> Bool {
        mix.contains { $0.operation == operation }
    }
}
