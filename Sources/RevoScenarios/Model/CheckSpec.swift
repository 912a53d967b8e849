/// One thing a scenario promises, judged after the run.
public enum CheckSpec: Sendable, Equatable, CustomStringConvertible {
    /// A k6-style threshold over a tagged metric, e.g. `latency{route:chat}: p(95) < 2s`.
    case threshold(Threshold)
    /// A service's health during and after a fault: degraded (or worse) while it is active, healthy again within
    /// `recoveredWithin` of its end.
    case health(service: String, during: String, recoveredWithin: Duration?)
    /// A provider answered at least once (optionally only counting answers while a fault was active).
    case reachable(provider: String, during: String?)
    /// Every acknowledged memory write is in the primary or the outbox at the end.
    case noLostWrites
    /// No request made more than this many upstream model calls.
    case maxUpstreamCalls(Int)
    /// Every message a WebSocket client sent (and resent) is stored once in its conversation.
    case noDuplicateMessages
    /// Every broken stream was reported to the client with exactly the tokens it had received, and every message
    /// ended answered or with a reported error: nothing duplicated, nothing silently lost.
    case streamsConsistent
    /// Parallel Mind's pool reached `workers` within `within` of `after`.
    case scaling(workers: Int, within: Duration, after: Duration)
    /// A request sent as a frontend would, judged on its answer.
    case probe(Probe)
    /// Every error answer keeps the API's shape (`{"error": {"code", "message"}}`, Retry-After on 429 and 503, a
    /// challenge on 401), for good and bad input alike.
    case errorsWellFormed

    public var description: String {
        switch self {
        case .threshold(let threshold): threshold.source
        case .health(let service, let during, let within):
            "health of \(service) degraded during \(during)" + (within.map { ", healthy within \($0.formattedSeconds) after" } ?? "")
        case .reachable(let provider, let during): "\(provider) answered" + (during.map { " during \($0)" } ?? "")
        case .noLostWrites: "no acknowledged memory write lost"
        case .maxUpstreamCalls(let limit): "upstream calls per request <= \(limit)"
        case .noDuplicateMessages: "no duplicated message in any conversation"
        case .streamsConsistent: "streams report what they delivered; no message silently lost"
        case .scaling(let workers, let within, let after):
            "parallel mind reaches \(workers) workers within \(within.formattedSeconds) of t+\(after.formattedSeconds)"
        case .probe(let probe): "probe \(probe.name): \(probe.method) \(probe.path)"
        case .errorsWellFormed: "every error answer in the API's error shape"
        }
    }
}

/// `metric{tag:value,...}: aggregate op value`.
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
        /// Money spent on API providers (USD).
        case costUSD = "cost_usd"
        /// Modelled memory of the process (GB).
        case memoryGB = "memory_gb"
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
            case .memoryGB: [.max, .avg]
            case .requests: [.count]
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
