import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Circuit breakers")
struct CircuitBreakerTests {
    let failure = ProviderError.serverError(status: 500, message: "boom")

    @Test("the breaker opens after the failure rate over the window and half-opens after the cooldown")
    func opensAndHalfOpens() {
        var breaker = CircuitBreaker(settings: BreakerSettings(minimumRequests: 4, cooldown: .seconds(30)))
        breaker.recordSuccess(at: .seconds(1))
        breaker.recordFailure(failure, at: .seconds(2))
        breaker.recordFailure(failure, at: .seconds(3))
        #expect(breaker.state == .closed, "three calls are below the minimum")
        breaker.recordFailure(failure, at: .seconds(4))
        guard case .open(let until, let reason) = breaker.state else {
            Issue.record("expected open, got \(breaker.state)")
            return
        }
        #expect(until == .seconds(34))
        #expect(reason.hasPrefix("circuit open: 3 of 4 calls failed in 60.000s"))
        #expect(breaker.permit(at: .seconds(20)) == .rejected(retryAt: .seconds(34), reason: reason))
        #expect(breaker.permit(at: .seconds(34)) == .probe)
        #expect(breaker.permit(at: .seconds(34)) == .rejected(retryAt: .seconds(34), reason: "circuit half-open, probe in flight"))
        breaker.recordSuccess(at: .seconds(35))
        #expect(breaker.state == .closed)
        #expect(breaker.openings == 1)
    }

    @Test("a failed half-open probe opens the circuit for another cooldown")
    func failedProbeReopens() {
        var breaker = CircuitBreaker(settings: BreakerSettings(minimumRequests: 1, cooldown: .seconds(10)))
        breaker.recordFailure(failure, at: .zero)
        #expect(breaker.permit(at: .seconds(10)) == .probe)
        breaker.recordFailure(failure, at: .seconds(11))
        #expect(breaker.reopensAt == .seconds(21))
        #expect(breaker.openings == 2)
    }

    @Test("failures older than the window do not count")
    func slidingWindow() {
        var breaker = CircuitBreaker(settings: BreakerSettings(window: .seconds(60), minimumRequests: 4))
        for second in 0..<3 { breaker.recordFailure(failure, at: .seconds(second)) }
        for second in 100..<104 { breaker.recordSuccess(at: .seconds(second)) }
        breaker.recordFailure(failure, at: .seconds(104))
        #expect(breaker.state == .closed, "1 of 5 recent calls failed")
    }

    @Test("a sudden run of failures opens the circuit even when the window is full of old successes")
    func consecutiveFailures() {
        var breaker = CircuitBreaker(settings: BreakerSettings(minimumRequests: 5, consecutiveFailures: 5))
        for second in 0..<60 { breaker.recordSuccess(at: .seconds(second)) }
        for offset in 0..<4 { breaker.recordFailure(failure, at: .seconds(60 + offset)) }
        #expect(breaker.state == .closed, "4 of 64 is far below the rate threshold")
        breaker.recordSuccess(at: .seconds(64))
        for offset in 0..<4 { breaker.recordFailure(failure, at: .seconds(65 + offset)) }
        #expect(breaker.state == .closed, "a success in between resets the run")
        breaker.recordFailure(failure, at: .seconds(69))
        #expect(breaker.reopensAt == .seconds(99))
    }

    @Test("a disabled breaker never rejects")
    func disabled() {
        var breaker = CircuitBreaker(settings: BreakerSettings(enabled: false, minimumRequests: 1))
        for second in 0..<10 { breaker.recordFailure(failure, at: .seconds(second)) }
        #expect(breaker.permit(at: .seconds(10)) == .allowed)
    }

    @Test("once a provider's breaker opens, requests stop paying its timeout; the probe after the cooldown restores it")
    func breakerSavesTheTimeout() throws {
        let fixture = ProviderFixture()
        fixture.openai.setDefault(.hang)
        let policy = RoutingPolicy(attemptTimeout: .seconds(2), breaker: BreakerSettings(minimumRequests: 3, cooldown: .seconds(30)))
        let manager = fixture.apiManager(policy)
        let latencies = try fixture.run {
            await manager.start()
            var latencies: [Duration] = []
            for _ in 0..<5 { latencies.append(try await manager.generate(chat).latency) }
            fixture.openai.setDefault(.answer())
            try await fixture.clock.sleep(for: .seconds(30))
            let probe = try await manager.generate(chat)
            #expect(probe.provider == .openai)
            return latencies
        }
        #expect(latencies.prefix(3).allSatisfy { $0 >= .seconds(2) }, "the first three pay the timeout")
        #expect(latencies.suffix(2).allSatisfy { $0 < .seconds(1) }, "then the open circuit skips OpenAI")
        #expect(fixture.openai.calls == 4)
        #expect(manager.statuses().first { $0.id == .openai }?.breaker == .closed)
    }

    @Test("all breakers open → the one closest to recovery is tried instead of failing hard")
    func allOpenTriesClosest() throws {
        let fixture = ProviderFixture()
        fixture.openai.setDefault(.fail(.connectionRefused("openai"), after: .zero))
        fixture.anthropic.setDefault(.fail(.connectionRefused("anthropic"), after: .zero))
        let policy = RoutingPolicy(mockEnabled: false, breaker: BreakerSettings(minimumRequests: 1, cooldown: .seconds(60)))
        let manager = fixture.apiManager(policy)
        let trace = try fixture.run { () -> DecisionTrace in
            await manager.start()
            fixture.anthropic.setDefault(.answer())
            _ = try await manager.generate(chat)  // OpenAI fails: its circuit opens until t+60
            try await fixture.clock.sleep(for: .seconds(5))
            fixture.anthropic.setDefault(.fail(.connectionRefused("anthropic"), after: .zero))
            _ = await manager.result(chat)  // Anthropic fails: its circuit opens until t+65
            try await fixture.clock.sleep(for: .seconds(5))
            fixture.openai.setDefault(.answer())
            return try await manager.generate(chat).trace
        }
        #expect(trace.summary.prefix(2).map { $0.components(separatedBy: " (").first } == ["openai skipped", "anthropic skipped"])
        #expect(trace.steps.map(\.provider) == [.openai, .anthropic, .openai])
        #expect(trace.steps.last?.outcome == .succeeded)
        #expect(trace.steps.last?.note == "all circuits open: trying the one closest to recovery")
    }

    @Test("all breakers open and the closest hangs: one request probes it, the others are refused at once")
    func allOpenProbesOneAtATime() throws {
        let fixture = ProviderFixture()
        fixture.openai.setDefault(.fail(.connectionRefused("openai"), after: .zero))
        fixture.anthropic.setDefault(.fail(.connectionRefused("anthropic"), after: .zero))
        let policy = RoutingPolicy(
            mockEnabled: false,
            requestDeadline: .seconds(10),
            breaker: BreakerSettings(minimumRequests: 1, cooldown: .seconds(60))
        )
        let manager = fixture.apiManager(policy)
        let outcomes = try fixture.run { () -> [(Duration, Bool)] in
            await manager.start()
            _ = await manager.result(chat)  // both fail: both circuits open
            fixture.openai.setDefault(.hang)
            fixture.anthropic.setDefault(.hang)
            let clock = fixture.clock
            let started = clock.now
            let requests = (0..<3).map { _ in
                fixture.sim.spawn("request") { () -> (Duration, Bool) in
                    let result = await manager.result(chat)
                    return (clock.now - started, result.failure != nil)
                }
            }
            var outcomes: [(Duration, Bool)] = []
            for request in requests { outcomes.append(await request.value) }
            return outcomes
        }
        #expect(outcomes.allSatisfy { $0.1 })
        // The first probes the provider closest to recovery and waits its deadline; the two others do not wait.
        #expect(outcomes.map(\.0) == [.seconds(10), .zero, .zero])
    }
}
