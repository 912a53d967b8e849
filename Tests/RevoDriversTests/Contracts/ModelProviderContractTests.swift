import Foundation
import Hummingbird
import HummingbirdTesting
import RevoCore
import RevoDrivers
import RevoFakeLLM
import RevoRuntime
import RevoSim
import Testing

/// One set of cases for every `ModelProvider`: the instant provider, the simulation's provider with physics (on the
/// real clock, with short latencies), and the HTTP providers of both wire formats against `revo fake-llm`'s server on
/// a real socket. Each implementation also has a failing twin: the same kind of provider when its model cannot answer.
@Suite("ModelProvider contract")
struct ModelProviderContractTests {
    enum Implementation: String, CaseIterable, CustomTestStringConvertible {
        case instant, simulated, openAI, anthropic

        var testDescription: String { rawValue }

        static let client = HTTPModelProvider.makeClient()

        /// The provider for `body`; `down` gives its twin whose model is down (refused, an outage, a closed port).
        func withProvider(down: Bool = false, _ body: @escaping @Sendable (any ModelProvider) async throws -> Void) async throws {
            let clock = SystemClock(ContinuousClock())
            switch self {
            case .instant:
                try await body(down ? RefusingProvider(.mock()) as any ModelProvider : InstantProvider(.mock(), tokens: 16))
            case .simulated:
                var profile = try #require(ProviderProfile.defaults(for: .openai))
                profile.timeToFirstToken = .milliseconds(1)
                profile.interTokenLatency = .microseconds(10)
                let outage = FaultSpec(id: "down", kind: .outage(code: nil), target: .provider(.openai), duration: .seconds(3600))
                let faults = FaultInjector(faults: down ? [outage] : [], random: SeededRandom(seed: 2), clock: clock)
                let machine = FakeMachine(
                    MachineResources(totalRAM: .gigabytes(16), availableRAM: .gigabytes(8), cpuCores: 4),
                    faults: FaultInjector(faults: [], random: SeededRandom(seed: 1), clock: clock)
                )
                try await body(FakeProvider(profile: profile, machine: machine, faults: faults, clock: clock, random: RandomSource(seed: 3)))
            case .openAI, .anthropic:
                let api: HTTPProviderAPI = self == .openAI ? .openAI : .anthropic
                var settings = FakeLLMSettings()
                settings.timeToFirstTokenMs = 1
                settings.interTokenMs = 0.2
                settings.outputTokens = 24
                settings.apiKey = "sk-contract"
                let upstream = FakeUpstream(settings: settings, seed: 9, clock: clock)
                let app = Application(router: FakeLLMRoutes.router(upstream), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
                try await app.test(.live) { client in
                    // Down: a port nothing listens on (the server's own, once it is closed, is not reliably free).
                    let port = down ? 1 : try #require(client.port)
                    let provider = HTTPModelProvider(
                        descriptor: api == .openAI ? .openai(hasKey: true) : .anthropic(hasKey: true),
                        endpoint: .init(
                            api: api,
                            baseURL: "http://127.0.0.1:\(port)" + (api == .openAI ? "/v1" : ""),
                            model: "m",
                            apiKey: "sk-contract"
                        ),
                        client: Self.client
                    )
                    try await body(provider)
                }
            }
        }
    }

    static let request = GenerationRequest(prompt: "why did the cache go down at noon", maxTokens: 64)

    /// The stream read to its end: the tokens' text, every usage it reported, and whether a usage came last.
    static func stream(
        _ provider: any ModelProvider,
        _ request: GenerationRequest = request
    ) async throws -> (text: String, tokens: Int, usages: [TokenUsage]) {
        var text = ""
        var tokens = 0
        var usages: [TokenUsage] = []
        for try await chunk in provider.generate(request) {
            switch chunk {
            case .token(let piece):
                #expect(usages.isEmpty, "a token after the usage")
                text += piece
                tokens += 1
            case .finished(let usage): usages.append(usage)
            }
        }
        return (text, tokens, usages)
    }

    @Test("a stream is tokens, then one usage last; the usage counts the prompt and no more than max_tokens", arguments: Implementation.allCases)
    func streams(_ implementation: Implementation) async throws {
        try await implementation.withProvider { provider in
            try await provider.load()
            #expect(await provider.health() == .healthy)
            let answer = try await Self.stream(provider)
            #expect(!answer.text.isEmpty && answer.tokens > 0)
            let usage = try #require(answer.usages.count == 1 ? answer.usages.first : nil, "\(answer.usages.count) usages")
            #expect(usage.promptTokens > 0)
            #expect((1...Self.request.maxTokens).contains(usage.completionTokens), "\(usage.completionTokens) completion tokens")
            let short = try await Self.stream(provider, GenerationRequest(prompt: Self.request.prompt, maxTokens: 3))
            #expect((1...3).contains(short.usages.first?.completionTokens ?? 0), "max_tokens 3: \(short.usages)")
            await provider.unload()
        }
    }

    @Test("an answer without streaming, when a provider gives one, has the stream's shape", arguments: Implementation.allCases)
    func completes(_ implementation: Implementation) async throws {
        try await implementation.withProvider { provider in
            guard let completion = try await provider.complete(Self.request) else { return }  // nil: callers consume the stream
            #expect(!completion.text.isEmpty)
            #expect(completion.usage.promptTokens > 0)
            #expect((1...Self.request.maxTokens).contains(completion.usage.completionTokens))
            let capped = try await provider.complete(GenerationRequest(prompt: Self.request.prompt, maxTokens: 3))
            #expect((1...3).contains(capped?.usage.completionTokens ?? 0))
        }
    }

    @Test("a model that cannot answer fails with a ProviderError, and its health says so", arguments: Implementation.allCases)
    func failsWithProviderError(_ implementation: Implementation) async throws {
        try await implementation.withProvider(down: true) { provider in
            do {
                _ = try await Self.stream(provider)
                Issue.record("a provider that is down answered")
            } catch is ProviderError {
            } catch {
                Issue.record("not a ProviderError: \(type(of: error)) \(error)")
            }
            if case .healthy = await provider.health() { Issue.record("a provider that is down reports healthy") }
        }
    }
}
