/// Why a request was answered by the provider that answered it: every provider considered, in order, with what
/// happened and how long it took. Returned with every response and every routing error.
public struct DecisionTrace: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Not called: unavailable, circuit open, over the cost cap, context window too small...
        case skipped(String)
        /// Called and failed; routing went on.
        case failed(ProviderError)
        /// Called and answered.
        case succeeded
        /// Called, delivered tokens to a streaming client, then failed: the stream ended as interrupted.
        case interrupted(ProviderError)
    }

    public struct Step: Sendable, Equatable {
        public var provider: ProviderID
        public var outcome: Outcome
        /// 0 for the first call to this provider in this request, 1 for its first retry...
        public var retry: Int
        /// Time since the request started.
        public var startedAt: Duration
        public var duration: Duration
        /// A note such as "all circuits open: trying the one closest to recovery".
        public var note: String?

        public var wasCalled: Bool {
            if case .skipped = outcome { return false }
            return true
        }
    }

    public private(set) var steps: [Step] = []

    public init() {}

    /// A trace of the given steps: a recorded decision replayed or pinned.
    public init(steps: [Step]) {
        self.steps = steps
    }

    mutating func append(_ step: Step) {
        steps.append(step)
    }

    /// Providers actually called, in order, without repeats.
    public var attempted: [ProviderID] {
        var attempted: [ProviderID] = []
        forEachAttempted { attempted.append($0) }
        return attempted
    }

    /// Calls `body` with each provider of ``attempted``, in order, without making the list.
    public func forEachAttempted(_ body: (ProviderID) -> Void) {
        for (index, step) in steps.enumerated() where step.wasCalled {
            guard !steps[..<index].contains(where: { $0.wasCalled && $0.provider == step.provider }) else { continue }
            body(step.provider)
        }
    }

    /// Calls made upstream, retries included.
    public var upstreamCalls: Int {
        steps.filter(\.wasCalled).count
    }

    public var retries: Int {
        steps.filter { $0.wasCalled && $0.retry > 0 }.count
    }

    /// One line per step, e.g. `deepseek_r1_0528 skipped (needs more than 4.0 GB available RAM...)`.
    public var summary: [String] {
        steps.map { step in
            let what: String
            switch step.outcome {
            case .skipped(let reason): what = "skipped (\(reason))"
            case .failed(let error): what = "failed after \(step.duration.formattedSeconds) (\(error))"
            case .succeeded: what = "answered in \(step.duration.formattedSeconds)"
            case .interrupted(let error): what = "interrupted after \(step.duration.formattedSeconds) (\(error))"
            }
            let retry = step.retry > 0 ? " retry \(step.retry)" : ""
            let note = step.note.map { " [\($0)]" } ?? ""
            return "\(step.provider)\(retry) \(what)\(note)"
        }
    }
}
