public import RevoCore

/// A provider that answers at once with a fixed number of tokens and never fails: the zero-latency fake benchmarks
/// use to measure RevoCore's own overhead.
public struct InstantProvider: ModelProvider {
    public let descriptor: ModelDescriptor
    public let tokens: Int

    public init(_ descriptor: ModelDescriptor, tokens: Int = 8) {
        self.descriptor = descriptor
        self.tokens = max(1, tokens)
    }

    public func load() async throws(ProviderError) {}
    public func unload() async {}
    public func health() async -> ProviderHealth { .healthy }

    public func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationChunk, any Error> {
        let tokens = self.tokens
        let promptTokens = request.estimatedPromptTokens
        var emitted = 0
        let (stream, continuation) = AsyncThrowingStream<GenerationChunk, any Error>.makeStream()
        // Everything is yielded up front: no task, no suspension, nothing for a simulation to schedule.
        while emitted < tokens {
            emitted += 1
            continuation.yield(.token("t\(emitted) "))
        }
        continuation.yield(.finished(TokenUsage(promptTokens: promptTokens, completionTokens: tokens)))
        continuation.finish()
        return stream
    }
}

/// A provider whose every call fails at once with connection refused: a primary that is down.
public struct RefusingProvider: ModelProvider {
    public let descriptor: ModelDescriptor

    public init(_ descriptor: ModelDescriptor) {
        self.descriptor = descriptor
    }

    public func load() async throws(ProviderError) {}
    public func unload() async {}
    public func health() async -> ProviderHealth { .unhealthy("connection refused") }

    public func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationChunk, any Error> {
        AsyncThrowingStream { $0.finish(throwing: ProviderError.connectionRefused(descriptor.id.rawValue)) }
    }
}
