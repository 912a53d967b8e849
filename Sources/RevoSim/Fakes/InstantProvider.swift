public import RevoCore
public import RevoRuntime

/// A provider that answers at once with a fixed number of tokens (fewer when `max_tokens` asks for fewer) and never
/// fails: the zero-latency fake benchmarks use to measure RevoCore's own overhead.
public struct InstantProvider: ModelProvider {
    public let descriptor: ModelDescriptor
    public let tokens: Int
    private let words: [String]
    private let text: String

    public init(_ descriptor: ModelDescriptor, tokens: Int = 8) {
        self.descriptor = descriptor
        self.tokens = max(1, tokens)
        self.words = (1...self.tokens).map { "t\($0) " }
        self.text = words.joined()
    }

    public func load() async throws(ProviderError) {}
    public func unload() async {}
    public func health() async -> ProviderHealth { .healthy }
    /// Its words are at hand: a call never waits.
    public var waits: Waits { .never }

    public func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationChunk, any Error> {
        let (stream, continuation) = AsyncThrowingStream<GenerationChunk, any Error>.makeStream()
        // Everything is yielded up front: no task, no suspension, nothing for a simulation to schedule.
        for word in words.prefix(request.maxTokens) {
            continuation.yield(.token(word))
        }
        continuation.yield(.finished(usage(request)))
        continuation.finish()
        return stream
    }

    /// The same words as the stream, in one piece.
    public func complete(_ request: GenerationRequest) async throws -> Completion? {
        Completion(text: request.maxTokens >= tokens ? text : words.prefix(request.maxTokens).joined(), usage: usage(request))
    }

    private func usage(_ request: GenerationRequest) -> TokenUsage {
        TokenUsage(promptTokens: request.estimatedPromptTokens, completionTokens: min(tokens, max(0, request.maxTokens)))
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
