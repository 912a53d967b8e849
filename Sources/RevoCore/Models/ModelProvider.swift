public import RevoRuntime

/// A model the manager can route requests to: a local model, a remote API, or the mock.
///
/// Implementations report failures as ``ProviderError`` (anything else is treated as a server error). The stream
/// returned by ``generate(_:)`` must produce its chunks in the consumer's task (e.g. `AsyncThrowingStream(unfolding:)`)
/// so that in a simulation it runs on the simulation's executor.
public protocol ModelProvider: Sendable {
    var descriptor: ModelDescriptor { get }

    /// Loads weights and libraries; a no-op for APIs and the mock. Throws `.outOfMemory`, `.missingLibrary`,
    /// `.missingWeights`...
    func load() async throws(ProviderError)

    /// Frees what ``load()`` took.
    func unload() async

    /// Streams the answer: tokens, then one `.finished` with the usage.
    func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationChunk, any Error>

    /// The whole answer at once, for a caller that does not stream, from a provider that has it without streaming (a
    /// canned reply, one HTTP response): it skips the token stream and its generic machinery. nil, the default, means
    /// "consume ``generate(_:)``".
    func complete(_ request: GenerationRequest) async throws -> Completion?

    /// A cheap liveness check (a local health URL, a models listing).
    func health() async -> ProviderHealth

    /// What a call can wait on (see ``Waits``): `.never` when it computes its answer in this process (a canned reply),
    /// so it runs without the deadline's race; `.onClockOnly` when ``complete(_:)`` answers (never nil) and waits only
    /// on the clock (a simulated model; its streams are still raced); `.onAnything` (the default) for a socket or a
    /// model.
    var waits: Waits { get }
}

extension ModelProvider {
    public func complete(_ request: GenerationRequest) async throws -> Completion? { nil }
    public var waits: Waits { .onAnything }
}

/// What a provider says about itself.
public enum ProviderHealth: Sendable, Equatable {
    case healthy
    case unhealthy(String)
}
