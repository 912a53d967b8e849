public import RevoCore

/// One thing a scenario promises, judged after the run.
public enum CheckSpec: Sendable, Equatable, CustomStringConvertible {
    /// A k6-style threshold over a tagged metric, e.g. `latency{route:chat}: p(95) < 2s`.
    case threshold(Threshold)
    /// A service's health around a fault: healthy at some sample before it, degraded (or worse) while it is active,
    /// healthy again within `recoveredWithin` of its end.
    case health(service: String, during: String, recoveredWithin: Duration?)
    /// A service's status at every sample in a scope (the whole run without one), one of its reasons containing a text.
    case healthState(service: String, status: HealthStatus, scope: Scope?, reasonContains: String?)
    /// Liveness: after `fault` ends (every fault, when nil), `service` is healthy again within `within` and stays so
    /// while no fault is active; with `latency`, requests sent from then on answer under it at p95.
    case recovers(service: String, after: String?, within: Duration, latency: Duration?)
    /// The event happened at least once: the path the scenario claims to test was taken.
    case sometimes(EventAssertion)
    /// The event never happened.
    case never(EventAssertion)
    /// A provider answered at least once (optionally only counting requests sent in a phase of a fault).
    case reachable(provider: String, scope: Scope?)
    /// Every acknowledged memory write is in the primary or the outbox at the end.
    case noLostWrites
    /// No request (sent in the scope, if given) made more than this many upstream model calls.
    case maxUpstreamCalls(Int, scope: Scope?)
    /// Every message a WebSocket client sent (and resent) is stored once in its conversation.
    case noDuplicateMessages
    /// Every broken stream was reported to the client with exactly the tokens it had received, every reply's text is
    /// exactly what its tokens delivered, and every message ended answered or with a reported error: nothing
    /// duplicated, nothing silently lost.
    case streamsConsistent
    /// Parallel Mind's pool reached `workers` within `within` of `after`.
    case scaling(workers: Int, within: Duration, after: Duration)
    /// A request sent as a frontend would, judged on its answer.
    case probe(Probe)
    /// A call from a page's script in headless Chromium, judged on what the script saw (live mode only).
    case browser(BrowserProbe)
    /// Every error answer keeps the API's shape (`{"error": {"code", "message"}}`, Retry-After on 429 and 503, a
    /// challenge on 401), for good and bad input alike.
    case errorsWellFormed
    /// No chat's prompt carried more history than its own conversation could hold: histories stay with their
    /// conversation and their user.
    case historyConsistent
    /// No chat was answered later than the request deadline (plus a second for the client's side): the deadline
    /// bounds everything a request does.
    case answeredByDeadline

    public var description: String {
        switch self {
        case .threshold(let threshold): threshold.source
        case .health(let service, let during, let within):
            "health of \(service) degraded during \(during)" + (within.map { ", healthy within \($0.formattedSeconds) after" } ?? "")
        case .healthState(let service, let status, let scope, let reason):
            "health of \(service) \(status.rawValue)" + (scope.map { " \($0)" } ?? " throughout")
                + (reason.map { ", reason containing '\($0)'" } ?? "")
        case .recovers(let service, let fault, let within, let latency):
            "\(service) recovers within \(within.formattedSeconds) after " + (fault ?? "the last fault")
                + (latency.map { ", p95 under \($0.formattedSeconds)" } ?? "")
        case .sometimes(let assertion): "sometimes \(assertion)"
        case .never(let assertion): "never \(assertion)"
        case .reachable(let provider, let scope): "\(provider) answered" + (scope.map { " \($0)" } ?? "")
        case .noLostWrites: "no acknowledged memory write lost"
        case .maxUpstreamCalls(let limit, let scope): "upstream calls per request <= \(limit)" + (scope.map { " \($0)" } ?? "")
        case .noDuplicateMessages: "no duplicated message in any conversation"
        case .streamsConsistent: "streams report what they delivered; no message silently lost"
        case .scaling(let workers, let within, let after):
            "parallel mind reaches \(workers) workers within \(within.formattedSeconds) of t+\(after.formattedSeconds)"
        case .probe(let probe): "probe \(probe.name): \(probe.method) \(probe.path)"
        case .browser(let probe): "browser \(probe.name): \(probe.summary)"
        case .errorsWellFormed: "every error answer in the API's error shape"
        case .historyConsistent: "no prompt carried history from outside its conversation"
        case .answeredByDeadline: "no chat answered after its request deadline"
        }
    }
}

/// `metric{tag:value,...}: aggregate op value`; the tags `before:`, `during:` or `after:` (with `within:`) name a
/// fault's phase.
public struct Threshold: Sendable, Equatable {
    public enum Metric: String, Sendable, CaseIterable {
        /// End-to-end latency from the intended send time (ms).
        case latency
        /// Time to first token (ms).
        case ttft
        /// Mean time between streamed chunks of a request (ms).
        case itl
        /// Share of requests that failed.
        case errors
        /// Share of requests that succeeded, over sliding windows (`window:` tag).
        case availability
        /// Upstream model calls per request.
        case upstreamCalls = "upstream_calls"
        /// Calls made to the `provider` tag's provider (retries too) by the chats the other tags select, from their traces.
        case calls
        /// Money spent on API providers (USD).
        case costUSD = "cost_usd"
        /// The server process's memory (MB), measured: in the simulation, what the system's structures in the process
        /// hold; live, the server's resident memory.
        case memoryMB = "memory_mb"
        /// The machine's memory the models hold (GB), as the simulation models it; no data live.
        case machineMemoryGB = "machine_memory_gb"
        /// Requests made.
        case requests
        /// Answers with the `code` tag's status (exact or a class such as 5xx), as a share of the requests the other
        /// tags select or as a count.
        case status

        /// Aggregates that make sense for this metric.
        var allowed: [Aggregate.Kind] {
            switch self {
            case .latency, .ttft, .itl, .upstreamCalls: [.percentile, .avg, .min, .max, .count]
            case .errors: [.rate, .count]
            case .availability: [.rate, .min]
            case .costUSD: [.sum, .max]
            case .memoryMB, .machineMemoryGB: [.max, .avg]
            case .requests, .calls: [.count]
            case .status: [.rate, .count]
            }
        }
    }

    public struct Aggregate: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable, Equatable {
            case percentile = "p(N)"
            case avg, min, max, count, sum, rate
        }

        public var kind: Kind
        /// For percentiles: 0...100.
        public var percentile: Double

        public var description: String {
            kind == .percentile ? "p(\(percentile.formattedCompact))" : kind.rawValue
        }
    }

    public enum Comparison: String, Sendable, Equatable, CaseIterable {
        case lessThan = "<"
        case lessOrEqual = "<="
        case greaterThan = ">"
        case greaterOrEqual = ">="
        case equal = "=="

        func holds(_ lhs: Double, _ rhs: Double) -> Bool {
            switch self {
            case .lessThan: lhs < rhs
            case .lessOrEqual: lhs <= rhs
            case .greaterThan: lhs > rhs
            case .greaterOrEqual: lhs >= rhs
            case .equal: lhs == rhs
            }
        }
    }

    public var metric: Metric
    /// Tag filters in the order written, e.g. `route:chat`, `provider:local`, `window:1m`.
    public var tags: [(key: String, value: String)]
    public var aggregate: Aggregate
    public var comparison: Comparison
    /// In the metric's unit: milliseconds for latency and ttft, a fraction for rates, USD, GB, counts.
    public var value: Double
    public var source: String
    /// The phase of a fault whose requests (or samples) the threshold judges; the whole run without one.
    public var scope: Scope?

    public func tag(_ key: String) -> String? {
        tags.first { $0.key == key }?.value
    }

    public static func == (lhs: Threshold, rhs: Threshold) -> Bool {
        lhs.source == rhs.source
    }
}

extension Double {
    /// `95`, `99.9`: no trailing zeros, stable across platforms.
    var formattedCompact: String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
