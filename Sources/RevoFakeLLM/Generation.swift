import NIOCore
import RevoCore
import RevoSim

/// One generation from the fake provider, split into what came before the first chunk (where errors become HTTP
/// statuses) and the rest (where errors cut the stream, as a real upstream's dropped connection does).
final class Generation: @unchecked Sendable {
    // Used by one task at a time: the handler pulls the first chunk, then the response writer the rest.
    private var iterator: AsyncThrowingStream<GenerationChunk, any Error>.AsyncIterator
    let request: GenerationRequest
    private(set) var first: GenerationChunk?
    /// How the stream failed, when the provider asked for it to fail on the wire in a given form.
    private(set) var streamFault: StreamFault?

    private init(request: GenerationRequest, iterator: AsyncThrowingStream<GenerationChunk, any Error>.AsyncIterator) {
        self.request = request
        self.iterator = iterator
    }

    /// Starts the generation and waits for its first chunk; throws the provider's refusal (429, 5xx...).
    static func start(_ request: GenerationRequest, on upstream: FakeUpstream) async throws(ProviderError) -> Generation {
        let generation = Generation(request: request, iterator: upstream.provider.generate(request).makeAsyncIterator())
        generation.first = try await generation.pull()
        return generation
    }

    /// The next chunk: the first one again if not yet taken, nil at the end.
    func next() async throws(ProviderError) -> GenerationChunk? {
        if let first {
            self.first = nil
            return first
        }
        return try await pull()
    }

    private func pull() async throws(ProviderError) -> GenerationChunk? {
        do {
            return try await iterator.next()
        } catch let error as ProviderError {
            throw error
        } catch let fault as StreamFault {
            streamFault = fault
            throw fault.providerError
        } catch {
            throw .serverError(status: 500, message: "\(error)")
        }
    }

    /// Everything, for a non-streamed answer; `cut` is the error that ended it early, with the text so far.
    func collect() async -> (text: String, usage: TokenUsage?, cut: ProviderError?) {
        var text = ""
        do throws(ProviderError) {
            while let chunk = try await next() {
                switch chunk {
                case .token(let piece): text += piece
                case .finished(let usage): return (text, usage, nil)
                }
            }
            return (text, nil, .serverError(status: 502, message: "stream ended without a finish"))
        } catch {
            return (text, nil, error)
        }
    }
}
