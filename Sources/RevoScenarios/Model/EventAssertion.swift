/// A `sometimes:` or `never:` assertion: an event that must happen at least once (proof the behaviour a scenario
/// claims was exercised) or must not happen at all, optionally for one provider and in one phase of a fault.
public struct EventAssertion: Sendable, Equatable, CustomStringConvertible {
    /// What a run can observe: from the clients' side, or reported by the system (in live mode, through the server's
    /// published circuits and memory statistics).
    public enum Event: String, Sendable, Equatable, CaseIterable {
        /// A chat answered by a provider after another failed on it.
        case fallbackAnswered = "fallback_answered"
        /// Every provider failed and an earlier answer stood in.
        case staleReply = "stale_reply"
        /// Answered from the reply cache.
        case cacheHit = "cache_hit"
        /// A stream broke after tokens were delivered (reported as `interrupted`).
        case streamInterrupted = "stream_interrupted"
        /// A 429.
        case rateLimited = "rate_limited"
        /// An engine task succeeded although one of its engines failed.
        case enginePartial = "engine_partial"
        /// A provider's circuit opened.
        case circuitOpened = "circuit_opened"
        /// A provider's circuit closed again.
        case circuitClosed = "circuit_closed"
        /// The memory outbox replayed writes into the store.
        case outboxReplayed = "outbox_replayed"

    }

    public var event: Event
    public var provider: String?
    public var scope: Scope?

    public init(event: Event, provider: String? = nil, scope: Scope? = nil) {
        self.event = event
        self.provider = provider
        self.scope = scope
    }

    public var description: String {
        event.rawValue + (provider.map { " of \($0)" } ?? "") + (scope.map { " \($0)" } ?? "")
    }
}
