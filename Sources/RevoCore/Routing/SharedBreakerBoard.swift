/// Where several servers share which providers' circuits are open, so that what one server learns (a provider down,
/// a 429 cool-down) spares the others the same failed calls. The embedded default is none: a lone server keeps its
/// circuits to itself. Times are clock times; servers sharing a board run Unix-based clocks (``SystemClock``'s start).
public protocol SharedBreakerBoard: Sendable {
    /// Says a circuit is open until `circuit.until`; `now` bounds how long the board keeps it.
    func publish(_ circuit: OpenCircuit, now: Duration) async throws(StoreError)
    /// The open circuits published for these providers (expired ones are gone).
    func open(among providers: [ProviderID]) async throws(StoreError) -> [OpenCircuit]
}

/// One provider's open circuit: until when, and why.
public struct OpenCircuit: Sendable, Equatable {
    public var provider: ProviderID
    public var until: Duration
    public var reason: String

    public init(provider: ProviderID, until: Duration, reason: String) {
        self.provider = provider
        self.until = until
        self.reason = reason
    }
}
