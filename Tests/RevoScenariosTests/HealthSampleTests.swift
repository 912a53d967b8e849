import RevoCore
import Testing

@testable import RevoScenarios

@Suite("Health samples")
struct HealthSampleTests {
    static func report(cache: ComponentHealth, at seconds: Int64) -> HealthReport {
        HealthReport(
            status: cache.status == .healthy ? .healthy : .degraded,
            services: [
                .init(service: .backend, health: .healthy),
                .init(service: .cache, health: cache),
            ],
            availableProviders: [ProviderID("mock")],
            live: true,
            ready: true,
            notReadyBecause: [],
            checkedAt: .seconds(seconds)
        )
    }

    @Test("a report repeated at a later time is sampled at that time with the same statuses; a changed one is a change")
    func repeatedReports() {
        let metrics = MetricsRecorder()
        let down = ComponentHealth(status: .unhealthy, reasons: ["connection refused", "circuit open"])
        for (seconds, cache) in [(1, ComponentHealth.healthy), (2, .healthy), (3, down), (4, down), (5, .healthy)] {
            metrics.sample(Self.report(cache: cache, at: Int64(seconds)), processBytes: seconds * 10, machineBytes: nil)
        }
        let samples = metrics.healthSamples
        #expect(samples.map(\.at) == (1...5).map { .seconds($0) })
        #expect(samples.map { $0.status(of: "cache")?.status } == [.healthy, .healthy, .unhealthy, .unhealthy, .healthy])
        #expect(samples[3].status(of: "cache")?.reason == "connection refused; circuit open")
        #expect(samples.map { $0.status(of: "overall")?.status } == [.healthy, .healthy, .degraded, .degraded, .healthy])
        #expect(metrics.memorySamples.map(\.processBytes) == [10, 20, 30, 40, 50])
        let changes = metrics.healthChanges.filter { $0.service == "cache" }
        #expect(changes.map(\.at) == [1, 3, 5])
        #expect(changes.map(\.status) == [.healthy, .unhealthy, .healthy])
    }
}
