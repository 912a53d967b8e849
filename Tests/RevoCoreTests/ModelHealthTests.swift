import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Model manager: health")
struct ModelHealthTests {
    @Test("only the mock answering is degraded; nothing answering is unhealthy")
    func degradedAndUnhealthy() throws {
        let machine = MachineResources(totalRAM: .gigabytes(8), availableRAM: .gigabytes(2), cpuCores: 4)
        let fixture = ProviderFixture(machine: machine, openaiKey: false, anthropicKey: false)
        let withMock = fixture.manager()
        let withoutMock = fixture.manager(RoutingPolicy(mockEnabled: false))
        let (degraded, unhealthy) = try fixture.run {
            await withMock.start()
            await withoutMock.start()
            return (withMock.health(), withoutMock.health())
        }
        #expect(degraded.status == .degraded)
        #expect(degraded.reasons.first == "only the mock answers")
        #expect(unhealthy.status == .unhealthy)
        #expect(unhealthy.reasons.first == "no model available")
        #expect(unhealthy.reasons.contains("openai: no API key configured"))
    }

    @Test("an open circuit makes the models degraded with its reason, and healthy again once it closes")
    func openCircuitIsDegraded() throws {
        let fixture = ProviderFixture()
        fixture.openai.setDefault(.fail(.connectionRefused("openai"), after: .zero))
        let manager = fixture.apiManager(RoutingPolicy(breaker: BreakerSettings(minimumRequests: 1, cooldown: .seconds(30))))
        let (during, after) = try fixture.run {
            await manager.start()
            _ = try await manager.generate(chat)
            let during = manager.health()
            try await fixture.clock.sleep(for: .seconds(30))
            fixture.openai.setDefault(.answer())
            _ = try await manager.generate(chat)
            return (during, manager.health())
        }
        #expect(during.status == .degraded)
        #expect(during.reasons.first?.hasPrefix("openai: circuit open: 1 of 1 calls failed") == true)
        #expect(after == .healthy)
        #expect(manager.availableProviders() == [.openai, .anthropic, .mock])
    }
}
