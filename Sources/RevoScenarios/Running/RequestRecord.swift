public import RevoCore

/// What happened to one request of the workload, as its client saw it.
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

    /// How the reply cache took part in a chat's answer.
    public enum CacheUse: String, Sendable, Equatable {
        /// Answered from the cache, fresh.
        case hit
        /// Every provider failed and an earlier answer stood in.
        case stale
        /// Answered by a model.
        case miss
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
    /// The HTTP status the client got (101 for a WebSocket that opened); nil when nothing answered.
    public var status: Int?
    /// The API's error code, for an error answer or event.
    public var errorCode: String?
    /// Set when the request was bad input on purpose: what was wrong with it.
    public var badInput: BadInput?
    public var cache: CacheUse?
    /// Memories recalled into a chat's prompt.
    public var memoriesUsed = 0
    /// Earlier messages a chat's prompt carried, and the most its conversation could hold when the answer came.
    public var historyMessages: Int?
    public var historyBound: Int?
    /// Answered by a provider after another had failed on this request.
    public var fellBack = false
    /// The providers called for this request, once per call (retries too), as its decision trace says.
    public var calls: [ProviderID] = []
    /// Streams that broke after tokens were delivered (a session may resend and go on).
    public var interruptions = 0
    /// How the answer broke the API's promised shape (an error without the error body, a missing Retry-After...).
    public var malformed: String?

    public var succeeded: Bool { outcome == .ok }

    /// Whether the record carries the tag `key:value` (`provider` matches an id or a kind: local, api, mock; `code` an
    /// exact status or a class such as 5xx; `input` good, bad or any).
    func matches(_ key: String, _ value: String) -> Bool {
        switch key {
        case "route": operation.rawValue == value || (value == "chat" && operation == .stream)
        case "provider": provider?.rawValue == value || providerKind?.rawValue == value
        case "outcome": outcome.rawValue == value || (value == "error" && outcome != .ok)
        case "code": Self.status(status, matches: value)
        case "input": value == "any" || (value == "bad") == (badInput != nil)
        case "bad_input": badInput?.rawValue == value
        case "cache": cache?.rawValue == value
        case "memories": value == "used" ? memoriesUsed > 0 : memoriesUsed == 0
        default: true
        }
    }

    static func status(_ status: Int?, matches pattern: String) -> Bool {
        guard let status else { return pattern == "none" }
        if pattern.count == 3, pattern.hasSuffix("xx"), let first = pattern.first?.wholeNumberValue { return status / 100 == first }
        return Int(pattern) == status
    }
}

extension RequestRecord {
    /// A request as it starts: nothing measured yet, assumed to succeed until told otherwise.
    init(operation: Workload.Operation, index: Int, at intendedAt: Duration) {
        self.init(
            index: index,
            operation: operation,
            intendedAt: intendedAt,
            latency: .zero,
            outcome: .ok,
            upstreamCalls: 0,
            retries: 0,
            costUSD: 0
        )
    }

    init(starting arrival: WorkloadPlan.Arrival, index: Int) {
        self.init(operation: arrival.operation, index: index, at: arrival.at)
    }
}
