import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import RevoCore
import RevoFakeLLM
import RevoRuntime
import Testing

@testable import RevoDrivers

/// The HTTP model providers against a real upstream on a real socket: `revo fake-llm`'s server, in process.
@Suite(.serialized)
struct HTTPProviderTests {
    /// Runs `body` with a fake upstream listening on a free port and a provider of `api` pointed at it.
    static let client = HTTPModelProvider.makeClient()

    func withUpstream(
        _ api: HTTPProviderAPI,
        key: String? = nil,
        configure: (inout FakeLLMSettings) -> Void = { _ in },
        _ body: @escaping @Sendable (HTTPModelProvider, FakeUpstream) async throws -> Void
    ) async throws {
        var settings = FakeLLMSettings()
        settings.timeToFirstTokenMs = 1
        settings.interTokenMs = 0.2
        settings.outputTokens = 24
        settings.apiKey = "sk-right"
        configure(&settings)
        let upstream = FakeUpstream(settings: settings, seed: 9, clock: SystemClock(ContinuousClock()))
        let app = Application(router: FakeLLMRoutes.router(upstream), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)" + (api == .openAI ? "/v1" : "")
            let provider = HTTPModelProvider(
                descriptor: api == .openAI ? .openai(hasKey: true) : .anthropic(hasKey: true),
                endpoint: .init(api: api, baseURL: base, model: "test-model", apiKey: key ?? "sk-right"),
                client: Self.client
            )
            try await body(provider, upstream)
        }
    }

    static func collect(_ provider: HTTPModelProvider, maxTokens: Int = 64) async throws(ProviderError) -> (text: String, usage: TokenUsage?) {
        var text = ""
        do {
            for try await chunk in provider.generate(GenerationRequest(prompt: "why is the cache down", maxTokens: maxTokens)) {
                switch chunk {
                case .token(let piece): text += piece
                case .finished(let usage): return (text, usage)
                }
            }
        } catch let error as ProviderError {
            throw error
        } catch {
            throw .serverError(status: 0, message: "\(error)")
        }
        return (text, nil)
    }

    static func failure(_ provider: HTTPModelProvider, maxTokens: Int = 64) async -> ProviderError? {
        do {
            _ = try await collect(provider, maxTokens: maxTokens)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: HTTPProviderAPI.allCases)
    func streamsTokensAndTheUpstreamsUsage(api: HTTPProviderAPI) async throws {
        try await withUpstream(api) { provider, _ in
            let (text, usage) = try await Self.collect(provider)
            #expect(!text.isEmpty)
            #expect((usage?.completionTokens ?? 0) >= 19 && (usage?.completionTokens ?? 0) <= 29)
            #expect(await provider.health() == .healthy)
        }
    }

    @Test(arguments: HTTPProviderAPI.allCases)
    func refusalsMapToTheRoutingErrors(api: HTTPProviderAPI) async throws {
        try await withUpstream(api) { provider, upstream in
            var fault = FakeLLMFault(kind: "rate_limit")
            fault.retryAfterS = 20
            fault.firstN = 1
            _ = try upstream.addFault(fault)
            #expect(await Self.failure(provider) == .rateLimited(retryAfter: api == .openAI ? .milliseconds(20_000) : .seconds(20)))
            var unavailable = FakeLLMFault(kind: "server_error")
            unavailable.status = 503
            unavailable.firstN = 1
            _ = try upstream.addFault(unavailable)
            let refused = await Self.failure(provider)
            guard case .serverError(503, _) = refused else {
                Issue.record("expected a 503 server error, got \(String(describing: refused))")
                return
            }
            #expect(
                await Self.failure(provider, maxTokens: 1_000_000) == .contextTooLong(limit: provider.descriptor.contextWindow, requested: 1_000_006)
            )
        }
    }

    @Test(arguments: HTTPProviderAPI.allCases)
    func aStreamCutMidwayIsAnInterruption(api: HTTPProviderAPI) async throws {
        try await withUpstream(api) { provider, upstream in
            var fault = FakeLLMFault(kind: "disconnect")
            fault.afterTokens = 8
            _ = try upstream.addFault(fault)
            guard case .serverError(502, let message) = await Self.failure(provider) else {
                Issue.record("expected a 502 for the cut stream")
                return
            }
            #expect(message.contains("stream disconnected after"))
        }
    }

    /// Ways upstreams fail that gateways were reported to mishandle, each mapped to the error class routing needs.
    @Test(arguments: HTTPProviderAPI.allCases, ["error_event", "malformed_event"])
    func aStreamThatFailsInsideA200IsAServerError(api: HTTPProviderAPI, kind: String) async throws {
        try await withUpstream(api) { provider, upstream in
            var fault = FakeLLMFault(kind: kind)
            fault.afterTokens = 8
            _ = try upstream.addFault(fault)
            guard case .serverError(502, let message) = await Self.failure(provider) else {
                Issue.record("expected a 502 for \(kind)")
                return
            }
            #expect(message.contains(kind == "error_event" ? "stream error after" : "malformed event"), "\(message)")
        }
    }

    @Test(arguments: HTTPProviderAPI.allCases)
    func aStreamThatStallsWithTheConnectionOpenTimesOut(api: HTTPProviderAPI) async throws {
        try await withUpstream(api) { provider, upstream in
            var fault = FakeLLMFault(kind: "stream_stall")
            fault.afterTokens = 4
            // Stalled for a second and a half: longer than the caller waits, short enough to let the server stop.
            fault.forMs = 1_500
            _ = try upstream.addFault(fault)
            // The caller's attempt deadline ends the wait, as the model manager's does.
            let clock = SystemClock(ContinuousClock())
            let outcome: ProviderError?
            do {
                _ = try await clock.withDeadline(clock.now + .milliseconds(500)) { try await Self.collect(provider) }
                outcome = nil
            } catch let error as ProviderError {
                outcome = error
            } catch is TimeoutError {
                outcome = .timeout
            } catch {
                outcome = HTTPModelProvider.map(error, endpoint: provider.endpoint, tokens: nil)
            }
            #expect(outcome == .timeout)
        }
    }

    @Test(arguments: HTTPProviderAPI.allCases)
    func overloadedIsARetryableServerError(api: HTTPProviderAPI) async throws {
        try await withUpstream(api) { provider, upstream in
            var fault = FakeLLMFault(kind: "server_error")
            fault.status = 529
            _ = try upstream.addFault(fault)
            let refused = await Self.failure(provider)
            guard case .serverError(529, _) = refused else {
                Issue.record("expected a 529 server error, got \(String(describing: refused))")
                return
            }
            #expect(refused?.errorClass == .serverError)
        }
    }

    @Test(arguments: HTTPProviderAPI.allCases, 0..<6)
    func everyWordingOfAContextErrorIsRecognised(api: HTTPProviderAPI, wording: Int) async throws {
        let configure: (inout FakeLLMSettings) -> Void = { $0.contextErrorWording = wording }
        try await withUpstream(api, configure: configure) { provider, _ in
            let refused = await Self.failure(provider, maxTokens: 1_000_000)
            #expect(refused?.errorClass == .contextTooLong, "\(String(describing: refused))")
        }
    }

    @Test(arguments: [("seconds", 20_000), ("milliseconds", 20_000), ("http_date", 21_000)])
    func retryAfterInEveryFormatIsRead(format: String, milliseconds: Int) async throws {
        let configure: (inout FakeLLMSettings) -> Void = { $0.retryAfterFormat = format }
        try await withUpstream(.openAI, configure: configure) { provider, upstream in
            var fault = FakeLLMFault(kind: "rate_limit")
            fault.retryAfterS = 20
            _ = try upstream.addFault(fault)
            guard case .rateLimited(let retryAfter?) = await Self.failure(provider) else {
                Issue.record("expected a 429 with Retry-After")
                return
            }
            // An HTTP date has whole seconds and is read a moment later.
            let read = Int(retryAfter.seconds * 1000)
            #expect(format == "http_date" ? (19_000...21_000).contains(read) : read == milliseconds, "\(read) ms")
        }
    }

    @Test(arguments: HTTPProviderAPI.allCases)
    func aWrongKeyIsAnAuthenticationFailure(api: HTTPProviderAPI) async throws {
        try await withUpstream(api, key: "sk-wrong") { provider, _ in
            guard case .authentication = await Self.failure(provider) else {
                Issue.record("expected an authentication error")
                return
            }
            guard case .unhealthy(let reason) = await provider.health() else {
                Issue.record("expected unhealthy")
                return
            }
            #expect(reason.contains("authentication"))
        }
    }

    @Test func nothingListeningIsConnectionRefused() async throws {
        let provider = HTTPModelProvider(
            descriptor: .openai(hasKey: true),
            endpoint: .init(api: .openAI, baseURL: "http://127.0.0.1:1/v1", model: "m"),
            client: Self.client
        )
        guard case .connectionRefused = await Self.failure(provider) else {
            Issue.record("expected connection refused")
            return
        }
    }

    @Test func serverSentEventsSurviveArbitrarySplits() {
        let text = "event: a\ndata: {\"x\":1}\n\n: keep-alive\n\r\ndata: line one\ndata: line two\r\n\r\ndata: [DONE]\n\n"
        let bytes = Array(text.utf8)
        for split in [1, 3, 7, bytes.count] {
            var parser = ServerSentEventParser()
            var events: [ServerSentEventParser.Event] = []
            var index = 0
            while index < bytes.count {
                events += parser.feed(ByteBuffer(bytes: bytes[index..<min(bytes.count, index + split)]))
                index += split
            }
            #expect(
                events == [.init(name: "a", data: #"{"x":1}"#), .init(name: nil, data: "line one\nline two"), .init(name: nil, data: "[DONE]")],
                "split every \(split) bytes"
            )
        }
    }

    @Test func retryAfterReadsMillisecondsSecondsAndDates() {
        #expect(HTTPStatusMapping.retryAfter(milliseconds: "1500", value: "9") == .milliseconds(1500))
        #expect(HTTPStatusMapping.retryAfter(milliseconds: nil, value: "20") == .seconds(20))
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(HTTPStatusMapping.retryAfter(milliseconds: nil, value: "Tue, 14 Nov 2023 22:13:50 GMT", now: now) == .seconds(30))
        #expect(HTTPStatusMapping.retryAfter(milliseconds: nil, value: "soon") == nil)
    }
}
