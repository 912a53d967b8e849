import Testing

@testable import RevoLive
@testable import RevoScenarios

@Suite("live progress")
struct LiveProgressTests {
    static let scenario = try! ScenarioLoader.parse(
        """
        name: progress
        description: a cache outage in the middle
        duration: 60s
        system:
          providers: [mock]
        workload:
          rate: 1/s
          mix: {chat: 100}
        faults:
          - id: cache-down
            what: outage
            where: cache
            at: 20s
            for: 10s
        checks:
          - "errors: rate < 0.5"
        """,
        file: "progress.yaml"
    )

    static func record(at seconds: Int, latency milliseconds: Int, ok: Bool = true) -> RequestRecord {
        var record = RequestRecord(operation: .chat, index: seconds, at: .seconds(seconds))
        record.latency = .milliseconds(milliseconds)
        if !ok { record.outcome = .unavailable }
        return record
    }

    @Test("elapsed against the timeline, the faults open now, requests, errors and the p95 of the last 10 s")
    func snapshot() {
        let metrics = MetricsRecorder()
        for second in 0..<25 { metrics.record(Self.record(at: second, latency: second < 15 ? 10 : 100 + second, ok: second < 21)) }
        let during = LiveRunner.progress(of: Self.scenario, metrics: metrics, at: .seconds(25))
        #expect(during.activeFaults == ["cache-down"])
        #expect(during.requests == 25 && during.errors == 4)
        // Requests that finished from 15 s on: latencies 115...124 ms; the 95th percentile of ten is the tenth.
        #expect(during.recentP95 == .milliseconds(124))
        #expect(during.line == "progress 0:25/1:00 · faults: cache-down · 25 requests · 4 errors · p95 124 ms")
        let after = LiveRunner.progress(of: Self.scenario, metrics: metrics, at: .seconds(45))
        #expect(after.activeFaults.isEmpty && after.recentP95 == nil)
        #expect(after.line.contains("no fault") && after.line.contains("p95 -"))
    }
}
