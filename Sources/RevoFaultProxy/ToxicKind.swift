import Foundation

/// What a toxic does, with its attributes checked. Toxiproxy's toxics, plus protocol-aware and outage ones.
public enum ToxicKind: Sendable, Equatable {
    /// Delays every chunk by `latency` ± `jitter` milliseconds.
    case latency(milliseconds: Int, jitter: Int)
    /// While present, the proxy refuses connections and drops the open ones (a hard outage).
    case down
    /// Limits throughput to `rate` KB/s.
    case bandwidth(kilobytesPerSecond: Int)
    /// Delays the close of the connection by `delay` milliseconds.
    case slowClose(milliseconds: Int)
    /// Stops all data; closes the connection after `timeout` milliseconds (0: never, until removed).
    case timeout(milliseconds: Int)
    /// Resets the connection (TCP RST) after `timeout` milliseconds.
    case resetPeer(milliseconds: Int)
    /// Cuts data into pieces of `average_size` ± `size_variation` bytes, `delay` microseconds apart.
    case slicer(averageSize: Int, sizeVariation: Int, delayMicroseconds: Int)
    /// Closes the connection after `bytes` bytes.
    case limitData(bytes: Int)
    /// Answers chosen Redis commands with an error instead of forwarding them.
    case redisError(commands: [String], error: String)
    /// Answers HTTP requests whose path starts with `path` with `status`, without forwarding them.
    case httpStatus(pathPrefix: String, status: Int, retryAfter: Int?, body: String)

    /// The type names the control API accepts.
    public static let typeNames = [
        "latency", "down", "bandwidth", "slow_close", "timeout", "reset_peer", "slicer", "limit_data", "redis_error", "http_status",
    ]

    public var typeName: String {
        switch self {
        case .latency: "latency"
        case .down: "down"
        case .bandwidth: "bandwidth"
        case .slowClose: "slow_close"
        case .timeout: "timeout"
        case .resetPeer: "reset_peer"
        case .slicer: "slicer"
        case .limitData: "limit_data"
        case .redisError: "redis_error"
        case .httpStatus: "http_status"
        }
    }

    /// Whether the toxic reads the requests themselves (and so only acts on the upstream stream).
    var isProtocolAware: Bool {
        switch self {
        case .redisError, .httpStatus: true
        default: false
        }
    }

    /// The names ``redisErrors`` takes (`oom`, `loading`...).
    public static var redisErrorShorthands: [String] { redisErrors.keys.sorted() }

    /// The redis_error shorthands for the errors a real server sends.
    static let redisErrors = [
        "oom": "OOM command not allowed when used memory > 'maxmemory'.",
        "loading": "LOADING Redis is loading the dataset in memory",
        "readonly": "READONLY You can't write against a read only replica.",
        "masterdown": "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
    ]

    /// Parses `type` and its attributes as the control API receives them.
    public static func parse(type: String, attributes: ToxicAttributes) throws(ToxicError) -> ToxicKind {
        switch type {
        case "latency":
            return .latency(milliseconds: try attributes.int("latency", default: 0), jitter: try attributes.int("jitter", default: 0))
        case "down":
            return .down
        case "bandwidth":
            return .bandwidth(kilobytesPerSecond: try attributes.int("rate", default: 0))
        case "slow_close":
            return .slowClose(milliseconds: try attributes.int("delay", default: 0))
        case "timeout":
            return .timeout(milliseconds: try attributes.int("timeout", default: 0))
        case "reset_peer":
            return .resetPeer(milliseconds: try attributes.int("timeout", default: 0))
        case "slicer":
            let average = try attributes.int("average_size", default: 0)
            guard average > 0 else { throw ToxicError.invalidAttribute("average_size", "must be at least 1 byte") }
            return .slicer(
                averageSize: average,
                sizeVariation: try attributes.int("size_variation", default: 0),
                delayMicroseconds: try attributes.int("delay", default: 0)
            )
        case "limit_data":
            return .limitData(bytes: try attributes.int("bytes", default: 0))
        case "redis_error":
            let commands = (try attributes.string("commands", default: ""))
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty }
            let named = try attributes.string("error", default: "oom")
            let error = redisErrors[named.lowercased()] ?? named
            guard !error.contains("\r"), !error.contains("\n") else {
                throw ToxicError.invalidAttribute("error", "must be one line")
            }
            return .redisError(commands: commands, error: error)
        case "http_status":
            let status = try attributes.int("status", default: 503)
            guard (100...599).contains(status) else { throw ToxicError.invalidAttribute("status", "must be between 100 and 599") }
            let retryAfter = try attributes.optionalInt("retry_after")
            return .httpStatus(
                pathPrefix: try attributes.string("path", default: "/"),
                status: status,
                retryAfter: retryAfter,
                body: try attributes.string("body", default: #"{"error":{"message":"injected by revo proxy","code":"injected"}}"#)
            )
        default:
            throw ToxicError.unknownType(type)
        }
    }
}
