public import RevoCore

/// One declared fault: what goes wrong, where, when, and to which operations.
public struct FaultSpec: Sendable, Equatable {
    /// What goes wrong.
    public enum Kind: Sendable, Equatable {
        /// The dependency refuses every call (connection refused; a typed error when `code` is given).
        case outage(code: String?)
        /// Every call takes this much longer.
        case latency(Duration)
        /// Calls hang until the caller's timeout.
        case timeout
        /// Calls fail with this probability (drawn from the seed).
        case errorRate(Double, code: String?)
        /// A provider answers 429, with Retry-After when given.
        case rateLimit(retryAfter: Duration?)
        /// A provider answers this 5xx status.
        case serverError(status: Int)
        /// A provider refuses the content.
        case contentPolicy
        /// Streams are cut after this many tokens.
        case disconnect(afterTokens: Int)
        /// Streams stop after this many tokens with the connection left open.
        case stall(afterTokens: Int)
        /// Streams fail after this many tokens in the way `form` says (an error event, a malformed event).
        case streamFault(StreamFault.Form, afterTokens: Int)
        /// A model fails to load: out of memory.
        case oomOnLoad
        /// A native library does not load.
        case missingLibrary(String)
        /// Another tenant takes this much GPU memory from the machine.
        case gpuTaken(ByteCount)
        /// Another tenant takes this much RAM from the machine.
        case ramTaken(ByteCount)

        public var name: String {
            switch self {
            case .outage: "outage"
            case .latency: "latency"
            case .timeout: "timeout"
            case .errorRate: "error_rate"
            case .rateLimit: "rate_limit"
            case .serverError: "server_error"
            case .contentPolicy: "content_policy"
            case .disconnect: "disconnect"
            case .stall: "stream_stall"
            case .streamFault(let form, _): "stream_\(form.rawValue)"
            case .oomOnLoad: "oom_on_load"
            case .missingLibrary: "missing_library"
            case .gpuTaken: "gpu_taken"
            case .ramTaken: "ram_taken"
            }
        }
    }

    /// Where it goes wrong.
    public enum Target: Sendable, Hashable, CustomStringConvertible {
        case provider(ProviderID)
        case database
        case cache
        case memory
        case machine
        case websocket

        public var isProvider: Bool {
            if case .provider = self { return true }
            return false
        }

        public var description: String {
            switch self {
            case .provider(let id): "provider:\(id)"
            case .database: "database"
            case .cache: "cache"
            case .memory: "memory"
            case .machine: "machine"
            case .websocket: "websocket"
            }
        }
    }

    /// An identifier for reports (`fault-1`, or the name given in the scenario).
    public var id: String
    public var kind: Kind
    public var target: Target
    /// When the fault starts.
    public var at: Duration
    /// How long each occurrence lasts; nil = until the end of the run.
    public var duration: Duration?
    /// Repeat the occurrence with this period (flapping); nil = once.
    public var every: Duration?
    /// Only the first N affected operations in each occurrence.
    public var firstN: Int?
    /// Each operation in the window is affected with this probability (drawn from the seed).
    public var probability: Double
    /// Only these operations (e.g. `store`, `search`, `generate`, `load`); empty = all.
    public var operations: [String]

    public init(
        id: String,
        kind: Kind,
        target: Target,
        at: Duration = .zero,
        duration: Duration? = nil,
        every: Duration? = nil,
        firstN: Int? = nil,
        probability: Double = 1,
        operations: [String] = []
    ) {
        self.id = id
        self.kind = kind
        self.target = target
        self.at = at
        self.duration = duration
        self.every = every
        self.firstN = firstN
        self.probability = probability
        self.operations = operations
    }

    /// The occurrence `now` falls in (its index), or nil when the fault is not active then.
    public func occurrence(at now: Duration) -> Int? {
        guard now >= at else { return nil }
        let elapsed = now - at
        guard let every, every > .zero else {
            if let duration, elapsed >= duration { return nil }
            return 0
        }
        let index = Int(elapsed / every)
        let into = elapsed - every * index
        if let duration, into >= duration { return nil }
        return index
    }

    /// The windows in which the fault is active, up to `end`, for reports and state checks.
    public func windows(until end: Duration) -> [ClosedRange<Duration>] {
        guard at < end else { return [] }
        guard let every, every > .zero else {
            return [at...min(end, at + (duration ?? end - at))]
        }
        var windows: [ClosedRange<Duration>] = []
        var start = at
        while start < end, windows.count < 10_000 {
            windows.append(start...min(end, start + (duration ?? every)))
            start += every
        }
        return windows
    }

    public var summary: String {
        var parts = ["\(kind.name) on \(target) from t+\(at.formattedSeconds)"]
        if let duration { parts.append("for \(duration.formattedSeconds)") }
        if let every { parts.append("every \(every.formattedSeconds)") }
        if let firstN { parts.append("first \(firstN) operations") }
        if probability < 1 { parts.append("p=\(probability)") }
        if !operations.isEmpty { parts.append("operations \(operations.joined(separator: ","))") }
        return parts.joined(separator: " ")
    }
}
