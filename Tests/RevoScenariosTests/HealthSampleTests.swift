import RevoCore
import RevoServer
import Testing

@testable import RevoScenarios

@Suite("Health samples")
struct HealthSampleTests {
    /// A report as the monitor reads it from a `GET /health` answer.
    static func report(cache: ComponentHealth, at seconds: Int64) -> HealthReport {
        let reasons = cache.reasons.map { "\"\($0)\"" }.joined(separator: ",")
        let overall = cache.status == .healthy ? "healthy" : "degraded"
        let text = """
            {"available_providers":["mock"],"live":true,"not_ready_because":[],"ready":true,"services":{\
            "backend":{"reasons":[],"status":"healthy"},"cache":{"reasons":[\(reasons)],"status":"\(cache.status.rawValue)"}},\
            "status":"\(overall)"}
            """
        let json = Array(text.utf8).withUnsafeBytes { try! JSONValue(parsing: $0) }
        return HealthReport(answer: json, at: .seconds(seconds))
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
