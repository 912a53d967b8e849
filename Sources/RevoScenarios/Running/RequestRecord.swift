public import RevoCore

/// What happened to one request of the workload.
public struct RequestRecord: Sendable, Equatable {
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        case ok
        /// 503-class: no model, a dependency down.
        case unavailable
        /// A stream broke after tokens were delivered.
        case interrupted
        /// 4xx-class: refused content, invalid input.
        case rejected
    }

    public var index: Int
    public var operation: Workload.Operation
    /// The intended send time: latency is measured from here (no coordinated omission).
    public var intendedAt: Duration
    public var latency: Duration
    public var timeToFirstToken: Duration?
    /// Mean time between streamed chunks, for streaming requests that received more than one.
    public var interTokenLatency: Duration?
    /// For engine tasks: each engine's execution time and whether it succeeded.
    public var engineTimes: [EngineTime] = []

    public struct EngineTime: Sendable, Equatable {
        public var engine: EngineKind
        public var duration: Duration
        public var succeeded: Bool
    }
    public var outcome: Outcome
    /// The provider that answered, when a model answered.
    public var provider: ProviderID?
    public var providerKind: ProviderKind?
    public var upstreamCalls: Int
    public var retries: Int
    public var costUSD: Double
    public var detail: String?

    public var succeeded: Bool { outcome == .ok }

    /// Whether the record carries the tag `key:value` (`provider` matches an id or a kind: local, api, mock).
    func matches(_ key: String, _ value: String) -> Bool {
        switch key {
        case "route": operation.rawValue == value || (value == "chat" && operation == .stream)
        case "provider": provider?.rawValue == value || providerKind?.rawValue == value
        case "outcome": outcome.rawValue == value || (value == "error" && outcome != .ok)
        default: true
        }
    }
}

extension RequestRecord {

    /// A request as it starts: nothing measured yet, assumed to succeed until told otherwise.
    init(starting arrival: WorkloadPlan.Arrival, index: Int) {
        self.init(
            index: index,
            operation: arrival.operation,
            intendedAt: arrival.at,
            latency: .zero,
            outcome: .ok,
            upstreamCalls: 0,
            retries: 0,
            costUSD: 0
        )
    }
}
