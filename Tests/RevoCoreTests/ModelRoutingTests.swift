import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Model manager: fallback chain, retries and deadlines")
struct ModelRoutingTests {
    /// Only the API providers and the mock, so routing starts at OpenAI.
    private func apiFixture() -> ProviderFixture {
        ProviderFixture(machine: MachineResources(totalRAM: .gigabytes(8), availableRAM: .gigabytes(2), cpuCores: 4))
    }

    @Test("the mock is tried last even when the chain lists it first")
    func mockLast() throws {
        let fixture = apiFixture()
        let manager = fixture.manager(RoutingPolicy(chain: [.mock, .openai, .anthropic]))
        let answer = try fixture.run {
            await manager.start()
            return try await manager.generate(chat)
        }
        #expect(manager.chain == [.openai, .anthropic, .mock])
        #expect(answer.provider == .openai)
    }

    @Test("mockLast: false reproduces the original bug: the mock answers everything")
    func originalMockFirstBug() throws {
        let fixture = apiFixture()
        let manager = fixture.manager(RoutingPolicy(chain: [.mock, .openai, .anthropic], mockLast: false))
        let answer = try fixture.run {
            await manager.start()
            return try await manager.generate(chat)
        }
        #expect(answer.provider == .mock)
    }

    @Test("unavailable → next: a refused connection moves on at once, without retry")
    func unavailableMovesOn() throws {
        let fixture = apiFixture()
        fixture.openai.setDefault(.fail(.connectionRefused("127.0.0.1:9")))
        let manager = fixture.apiManager()
        let answer = try fixture.run {
            await manager.start()
            return try await manager.generate(chat)
        }
        #expect(answer.provider == .anthropic)
        #expect(fixture.openai.calls == 1)
        #expect(answer.trace.summary[0] == "openai failed after 0.010s (connection refused: 127.0.0.1:9)")
    }

    @Test("429 with Retry-After within the cap is waited for, then the same provider answers")
    func rateLimitedWaits() throws {
        let fixture = apiFixture()
        fixture.openai.script(.fail(.rateLimited(retryAfter: .seconds(2)), after: .zero))
        let manager = fixture.apiManager()
        let answer = try fixture.run {
            await manager.start()
            return try await manager.generate(chat)
        }
        #expect(answer.provider == .openai)
        #expect(answer.trace.upstreamCalls == 2)
        #expect(answer.trace.retries == 1)
        #expect(answer.latency >= .seconds(2))
    }

    @Test("429 with Retry-After beyond the cap falls back immediately, and others skip the cooling provider")
    func rateLimitedBeyondCapFallsBack() throws {
        let fixture = apiFixture()
        fixture.openai.script(.fail(.rateLimited(retryAfter: .seconds(120)), after: .zero))
        let manager = fixture.apiManager()
        let (first, second) = try fixture.run {
            await manager.start()
            return (try await manager.generate(chat), try await manager.generate(chat))
        }
        #expect(first.provider == .anthropic)
        #expect(first.latency < .seconds(1), "no wait for a Retry-After over the cap")
        #expect(fixture.openai.calls == 1, "the cooling provider is not called again")
        #expect(second.provider == .anthropic)
        guard case .skipped(let reason) = second.trace.steps[0].outcome else {
            Issue.record("openai should have been skipped: \(second.trace.summary)")
            return
        }
        #expect(reason.hasPrefix("cooling down after 429"))
    }

    @Test("the total Retry-After wait of one request stays within its cap")
    func retryAfterBudget() throws {
        let fixture = apiFixture()
        fixture.openai.script(
            .fail(.rateLimited(retryAfter: .seconds(8)), after: .zero),
            .fail(.rateLimited(retryAfter: .seconds(8)), after: .zero)
        )
        fixture.anthropic.script(.fail(.rateLimited(retryAfter: .seconds(8)), after: .zero))
        let policy = RoutingPolicy(retry: RetryPolicy(maxTotalRetryAfterWait: .seconds(10)))
        let manager = fixture.apiManager(policy)
        let answer = try fixture.run {
            await manager.start()
            return try await manager.generate(chat)
        }
        // OpenAI's first 8 s wait fits the 10 s budget, its second 429 exhausts its one retry; Anthropic's 8 s would
        // take the total to 16 s, so the request moves on to the mock instead of waiting.
        #expect(answer.provider == .mock)
        #expect(answer.trace.attempted == [.openai, .anthropic, .mock])
        #expect(answer.trace.upstreamCalls == 4)
        #expect(answer.latency >= .seconds(8) && answer.latency < .seconds(9))
    }

    @Test("a server error is retried with backoff, then falls back")
    func serverErrorRetriesThenFallsBack() throws {
        let fixture = apiFixture()
        fixture.openai.setDefault(.fail(.serverError(status: 502, message: "bad gateway"), after: .zero))
        let manager = fixture.apiManager()
        let answer = try fixture.run {
            await manager.start()
            return try await manager.generate(chat)
        }
        #expect(fixture.openai.calls == 3, "one call and two retries")
        #expect(answer.provider == .anthropic)
        #expect(answer.trace.steps.map(\.retry) == [0, 1, 2, 0])
        // Backoff 100 ms then 200 ms, each ±20%.
        let gap = answer.trace.steps[2].startedAt
        #expect(gap >= .milliseconds(240) && gap <= .milliseconds(360))
    }

    @Test("a timeout falls back to the next provider after the attempt timeout")
    func timeoutFallsBack() throws {
        let fixture = apiFixture()
        fixture.openai.setDefault(.hang)
        let manager = fixture.apiManager(RoutingPolicy(attemptTimeout: .seconds(5)))
        let answer = try fixture.run {
            await manager.start()
            return try await manager.generate(chat)
        }
        #expect(answer.provider == .anthropic)
        #expect(answer.trace.steps[0].outcome == .failed(.timeout))
        #expect(answer.trace.steps[0].duration == .seconds(5))
    }

    @Test("context too long goes to a provider with a larger window")
    func contextTooLong() throws {
        let fixture = apiFixture()
        fixture.openai.script(.fail(.contextTooLong(limit: 128_000, requested: 150_000), after: .zero))
        let manager = fixture.apiManager()
        let (reactive, proactive) = try fixture.run {
            await manager.start()
            let reactive = try await manager.generate(chat)
            let long = GenerationRequest(prompt: String(repeating: "word ", count: 120_000), maxTokens: 4_000)
            return (reactive, try await manager.generate(long))
        }
        #expect(reactive.provider == .anthropic)
        #expect(proactive.provider == .anthropic)
        #expect(proactive.trace.steps[0].outcome == .skipped("context window 128000 < 154000 tokens needed"))
    }

    @Test("content policy goes to the configured alternative, else fails without trying the rest")
    func contentPolicy() throws {
        let fixture = apiFixture()
        fixture.openai.setDefault(.fail(.contentPolicy("flagged"), after: .zero))
        let withAlternative = fixture.apiManager(RoutingPolicy(contentPolicyAlternative: .mock))
        let without = fixture.apiManager()
        let (answer, error) = try fixture.run {
            await withAlternative.start()
            await without.start()
            let answer = try await withAlternative.generate(chat)
            return (answer, await without.result(chat).failure)
        }
        #expect(answer.provider == .mock)
        #expect(answer.trace.attempted == [.openai, .mock])
        guard case .contentRejected(.contentPolicy("flagged"), let trace) = error else {
            Issue.record("expected contentRejected, got \(String(describing: error))")
            return
        }
        #expect(trace.attempted == [.openai])
    }

    @Test("an invalid request fails at once: no other provider would do better")
    func invalidRequest() throws {
        let fixture = apiFixture()
        fixture.openai.setDefault(.fail(.invalidRequest("temperature must be <= 2"), after: .zero))
        let manager = fixture.apiManager()
        let error = try fixture.run { () -> ModelManagerError? in
            await manager.start()
            return await manager.result(chat).failure
        }
        guard case .invalidRequest(_, let trace) = error else {
            Issue.record("expected invalidRequest, got \(String(describing: error))")
            return
        }
        #expect(trace.attempted == [.openai])
    }

    @Test("exhausted with the mock disabled: a typed 'no model available' error naming every step, fast")
    func exhaustedWithoutMock() throws {
        let fixture = apiFixture()
        fixture.openai.setDefault(.fail(.connectionRefused("openai"), after: .zero))
        fixture.anthropic.setDefault(.fail(.connectionRefused("anthropic"), after: .zero))
        let manager = fixture.manager(RoutingPolicy(mockEnabled: false))
        let (error, elapsed) = try fixture.run { () -> (ModelManagerError?, Duration) in
            await manager.start()
            let start = fixture.clock.now
            let error = await manager.result(chat).failure
            return (error, fixture.clock.now - start)
        }
        guard case .noModelAvailable(let trace) = error else {
            Issue.record("expected noModelAvailable, got \(String(describing: error))")
            return
        }
        #expect(trace.summary.count == 4)
        #expect(trace.summary[0] == "deepseek_r1_0528 skipped (missing native library: No module named 'torch')")
        #expect(trace.attempted == [.openai, .anthropic])
        #expect(elapsed < .seconds(1))
        #expect(manager.health().status == .degraded)
    }

    @Test("the request deadline bounds every retry and wait")
    func deadlineBoundsEverything() throws {
        let fixture = apiFixture()
        fixture.openai.setDefault(.hang)
        fixture.anthropic.setDefault(.hang)
        let manager = fixture.apiManager(RoutingPolicy(mockEnabled: false, requestDeadline: .seconds(8), attemptTimeout: .seconds(5)))
        let (error, elapsed) = try fixture.run { () -> (ModelManagerError?, Duration) in
            await manager.start()
            let start = fixture.clock.now
            let error = await manager.result(chat).failure
            return (error, fixture.clock.now - start)
        }
        #expect(elapsed == .seconds(8))
        guard case .deadlineExceeded(let trace) = error else {
            Issue.record("expected deadlineExceeded, got \(String(describing: error))")
            return
        }
        #expect(trace.steps.map(\.duration) == [.seconds(5), .seconds(3)])
    }

    @Test("at most maxFallbacks providers are tried after the first")
    func fallbackCap() throws {
        let fixture = apiFixture()
        fixture.openai.setDefault(.fail(.connectionRefused("openai"), after: .zero))
        fixture.anthropic.setDefault(.fail(.connectionRefused("anthropic"), after: .zero))
        let manager = fixture.apiManager(RoutingPolicy(maxFallbacks: 1))
        let error = try fixture.run { () -> ModelManagerError? in
            await manager.start()
            return await manager.result(chat).failure
        }
        guard case .noModelAvailable(let trace) = error else {
            Issue.record("expected noModelAvailable, got \(String(describing: error))")
            return
        }
        #expect(trace.attempted == [.openai, .anthropic])
        #expect(trace.steps.last?.outcome == .skipped("fallback cap of 1 reached"))
    }

    @Test("the daily cost cap takes cloud providers out until the next day")
    func dailyCostCap() throws {
        let fixture = apiFixture()
        fixture.openai.setDefault(.answer(tokens: 1_000, firstTokenDelay: .zero, tokenDelay: .zero))
        // 1,003 tokens at $0.03 / 1k ≈ $0.03 a request: the cap of 5 cents allows two.
        let manager = fixture.apiManager(RoutingPolicy(cost: CostPolicy(dailyCapUSD: 0.05)))
        let providers = try fixture.run {
            await manager.start()
            var providers: [ProviderID] = []
            for _ in 0..<3 { providers.append(try await manager.generate(chat).provider) }
            try await fixture.clock.sleep(until: .seconds(86_400))
            providers.append(try await manager.generate(chat).provider)
            return providers
        }
        #expect(providers == [.openai, .openai, .mock, .openai])
        #expect(manager.costSummary().mockAnswers == 1)
    }
}
