import RevoRuntime
import Synchronization
import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Model manager: streaming")
struct StreamingTests {
    final class Received: Sendable {
        let tokens = Mutex<[String]>([])
        var all: [String] { tokens.withLock { $0 } }
        func append(_ token: String) { tokens.withLock { $0.append(token) } }
    }

    @Test("a failure before the first token falls back transparently")
    func failureBeforeFirstToken() throws {
        let fixture = ProviderFixture()
        fixture.openai.setDefault(.fail(.serverError(status: 503, message: "overloaded"), after: .milliseconds(50)))
        let manager = fixture.apiManager(RoutingPolicy(retry: RetryPolicy(serverErrorRetries: 0)))
        let received = Received()
        let response = try fixture.run {
            await manager.start()
            return try await manager.stream(chat) { received.append($0) }
        }
        #expect(response.provider == .anthropic)
        #expect(received.all == ["anthropic-1 ", "anthropic-2 ", "anthropic-3 "])
        #expect(response.text == received.all.joined())
        #expect(response.timeToFirstToken == .milliseconds(150))
    }

    @Test("stream interrupted after 5 tokens reports interruption, no duplicate")
    func interruptedAfterTokens() throws {
        let fixture = ProviderFixture()
        fixture.openai.setDefault(.failAfterTokens(5, .serverError(status: 502, message: "upstream closed")))
        let manager = fixture.apiManager()
        let received = Received()
        let outcome = try fixture.run { () -> Result<ModelResponse, ModelManagerError> in
            await manager.start()
            do throws(ModelManagerError) {
                return .success(try await manager.stream(chat) { received.append($0) })
            } catch {
                return .failure(error)
            }
        }
        guard case .failure(.interrupted(let interruption)) = outcome else {
            Issue.record("expected an interruption, got \(outcome)")
            return
        }
        #expect(received.all == (1...5).map { "openai-\($0) " })
        #expect(interruption.deliveredTokens == 5)
        #expect(interruption.deliveredText == received.all.joined())
        #expect(interruption.provider == .openai)
        #expect(fixture.anthropic.calls == 0, "nothing is replayed from another provider after tokens went out")
        #expect(interruption.trace.steps.last?.outcome == .interrupted(.serverError(status: 502, message: "upstream closed")))
    }

    @Test("a non-streaming request whose provider breaks mid-answer falls back: nothing reached the client yet")
    func nonStreamingMidAnswerFallsBack() throws {
        let fixture = ProviderFixture()
        fixture.openai.setDefault(.failAfterTokens(5, .serverError(status: 502, message: "upstream closed")))
        let manager = fixture.apiManager(RoutingPolicy(retry: RetryPolicy(serverErrorRetries: 0)))
        let response = try fixture.run {
            await manager.start()
            return try await manager.generate(chat)
        }
        #expect(response.provider == .anthropic)
        #expect(response.text == "anthropic-1 anthropic-2 anthropic-3 ")
    }

    @Test("an answer nobody streams is timed from its stream's first token, which nobody saw")
    func nonStreamingTimeToFirstToken() throws {
        let fixture = ProviderFixture()
        let manager = fixture.apiManager()
        let response = try fixture.run {
            await manager.start()
            return try await manager.generate(chat)
        }
        #expect(response.provider == .openai)
        #expect(response.timeToFirstToken == .milliseconds(100))
        #expect(response.latency > .milliseconds(100))
    }

    @Test("a client that goes away cancels the request")
    func cancellation() throws {
        let fixture = ProviderFixture()
        fixture.openai.setDefault(.hang)
        let manager = fixture.apiManager()
        let outcome = try fixture.run { () -> ModelManagerError? in
            await manager.start()
            let request = Task(executorPreference: fixture.sim) { await manager.result(chat) }
            try await fixture.clock.sleep(for: .seconds(1))
            request.cancel()
            return await request.value.failure
        }
        #expect(outcome == .cancelled)
        #expect(fixture.anthropic.calls == 0)
    }
}

/// Answers in one piece when asked, and streams other words, so a test can tell which path the manager took.
struct OnePieceProvider: ModelProvider {
    let descriptor = ModelDescriptor.mock()

    func load() async throws(ProviderError) {}
    func unload() async {}
    func health() async -> ProviderHealth { .healthy }

    func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationChunk, any Error> {
        AsyncThrowingStream { continuation in
            continuation.yield(.token("streamed "))
            continuation.yield(.finished(TokenUsage(promptTokens: 1, completionTokens: 1)))
            continuation.finish()
        }
    }

    func complete(_ request: GenerationRequest) async throws -> Completion? {
        Completion(text: "whole", usage: TokenUsage(promptTokens: 1, completionTokens: 5))
    }
}

@Suite("Model manager: answers in one piece")
struct OnePieceTests {
    @Test("a caller that does not stream gets the provider's one-piece answer; a streaming caller gets the stream")
    func onePiece() throws {
        let fixture = ProviderFixture()
        let manager = ModelManager(
            providers: [OnePieceProvider()],
            policy: RoutingPolicy(),
            probe: fixture.probe,
            clock: fixture.clock,
            random: RandomSource(seed: 1)
        )
        let received = StreamingTests.Received()
        let (whole, streamed) = try fixture.run {
            await manager.start()
            let whole = try await manager.generate(chat)
            let streamed = try await manager.stream(chat) { received.append($0) }
            return (whole, streamed)
        }
        #expect(whole.text == "whole")
        #expect(whole.usage.completionTokens == 5)
        #expect(whole.trace.steps.map(\.outcome) == [.succeeded])
        #expect(whole.timeToFirstToken != nil && whole.timeToFirstToken == whole.latency, "one piece: first token and last together")
        #expect(streamed.text == "streamed ")
        #expect(received.all == ["streamed "])
    }
}
