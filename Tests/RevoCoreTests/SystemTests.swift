import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("System: start-up, health, shutdown")
struct SystemTests {
    @Test("with every dependency up the system is healthy and ready")
    func healthy() throws {
        let fixture = SystemFixture()
        let report = try fixture.run { await fixture.system.health() }
        #expect(report.status == .healthy, "\(report.services)")
        #expect(report.ready)
        #expect(report.services.map(\.service) == Service.allCases)
        #expect(report.availableProviders == [.deepseekR1, .llamaLocal, .openai, .anthropic, .mock])
    }

    @Test("the database down at start-up: running degraded, not ready, chat answers; ready once the database appears")
    func databaseDownAtStartup() throws {
        let fixture = SystemFixture()
        fixture.conversations.down.withLock { $0 = "connection refused (127.0.0.1:5432)" }
        let (atStart, reply, later) = try fixture.run {
            let atStart = await fixture.system.health()
            let reply = try await fixture.system.chat.chat(ChatRequest(content: "still there?"))
            fixture.conversations.down.withLock { $0 = nil }
            try await fixture.clock.sleep(for: .seconds(11))
            return (atStart, reply, await fixture.system.health())
        }
        #expect(fixture.system.phase == .stopped)
        #expect(atStart.status == .degraded)
        #expect(!atStart.ready)
        #expect(atStart.notReadyBecause == ["database: postgres store: unavailable: connection refused (127.0.0.1:5432)"])
        #expect(reply.provider == .deepseekR1)
        #expect(later.ready)
        #expect(later.status == .healthy)
    }

    @Test("the cache gone: requests still served, health degraded, then healthy")
    func cacheOutage() throws {
        let fixture = SystemFixture()
        let (during, reply, after) = try fixture.run {
            fixture.cache.down.withLock { $0 = .unavailable("connection refused") }
            let reply = try await fixture.system.chat.chat(ChatRequest(content: "cached?"))
            let during = await fixture.system.health()
            fixture.cache.down.withLock { $0 = nil }
            try await fixture.clock.sleep(for: .seconds(70))
            return (during, reply, await fixture.system.health())
        }
        #expect(reply.provider == .deepseekR1)
        #expect(during.health(of: .cache)?.status == .degraded)
        #expect(during.ready, "the cache is not required for readiness")
        #expect(after.status == .healthy)
    }

    @Test("nothing can answer: unhealthy and not ready")
    func unhealthy() throws {
        let machine = MachineResources(totalRAM: .gigabytes(4), availableRAM: .gigabytes(1), cpuCores: 2)
        var routing = RoutingPolicy(mockEnabled: false)
        routing.chain = [.deepseekR1, .llamaLocal]
        let fixture = SystemFixture(configuration: .init(routing: routing), machine: machine)
        let report = try fixture.run { await fixture.system.health() }
        #expect(report.status == .unhealthy)
        #expect(!report.ready)
        #expect(report.notReadyBecause.first == "models: no model available")
    }

    @Test("clean shutdown unloads models and flushes the outbox")
    func shutdown() throws {
        let fixture = SystemFixture()
        let (depthBefore, afterShutdown) = try fixture.run { () -> (Int, HealthReport) in
            fixture.memoryPrimary.set(.refusing("down"))
            _ = try await fixture.system.recall.store(content: "keep me", type: "log")
            let depth = try await fixture.system.memory.outbox.count()
            fixture.memoryPrimary.set(.up)
            try await fixture.clock.sleep(for: .seconds(6))  // past the breaker's cooldown, before any replay tick matters
            await fixture.system.shutdown()
            return (depth, await fixture.system.health())
        }
        #expect(depthBefore == 1)
        #expect(try runSimulation(fixture.sim) { try await fixture.system.memory.outbox.count() } == 0)
        #expect(fixture.providers.deepseek.unloads == 1)
        #expect(!afterShutdown.live)
        #expect(afterShutdown.status == .unhealthy)
    }
}
