import Foundation
import Testing

/// Whether this machine has the servers a live run starts (ci/setup installs them).
enum LiveServers {
    static var installed: Bool {
        let postgres = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.isEmpty == false
        let redis = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].contains { FileManager.default.isExecutableFile(atPath: $0) }
        return postgres && redis
    }
}

@Suite("revo run --mode live")
struct LiveRunCommandTests {
    @Test(
        "live-only settings are refused in sim mode, and sim-only ones in live mode, with 64",
        arguments: [
            (["--time-scale", "0.5"], "--postgres, --redis, --serve and --time-scale apply to --mode live only"),
            (["--redis", "redis://127.0.0.1:6379"], "--postgres, --redis, --serve and --time-scale apply to --mode live only"),
            (["--mode", "live", "--serve", "127.0.0.1:8000"], "--serve must be the server's base URL, e.g. http://127.0.0.1:8000"),
            (["--mode", "live", "--check-determinism"], "--check-determinism applies to --mode sim only"),
            (["--mode", "live", "--time-scale", "2"], "--time-scale must be in (0, 1], got 2.0"),
            (["--mode", "staging"], "staging"),
        ] as [([String], String)]
    )
    func usage(arguments: [String], message: String) async throws {
        let output = try await RevoProcess.run(["run", "Scenarios/baseline-healthy.yaml"] + arguments)
        #expect(output.status == 64, "\(output.standardError)")
        #expect(output.standardError.contains(message), "\(output.standardError)")
    }

    /// A short scenario end to end: throwaway PostgreSQL and Redis, the real server, OpenAI as a `revo fake-llm`
    /// answering 429, a Redis outage through the proxy and a database slowdown, judged and reported as live.
    @Test("a live run starts its own servers, applies the faults for real, and reports as live", .enabled(if: LiveServers.installed))
    func endToEnd() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("revo-live-\(UUID().uuidString)")
        // Private to its owner, as `mktemp -d` makes it: as root, PostgreSQL's user cannot enter it.
        try FileManager.default.createDirectory(
            at: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenario = directory.appendingPathComponent("live.yaml")
        try """
        name: live-smoke
        description: a cache outage and a slow database, for real
        seed: 3
        duration: 16s
        system:
          providers: [mock]
          reply_cache: true
        workload:
          rate: 4/s
          mix: {chat: 45, stream: 15, memory_store: 20, memory_recall: 20}
        faults:
          # Over 10 s before the end: the cache must be seen healthy again within the run, on a loaded machine too.
          - id: cache-down
            what: outage
            where: cache
            at: 2s
            for: 4s
          - id: slow-db
            what: latency
            where: database
            latency: 100ms
            at: 10s
            for: 3s
        checks:
          - health: {service: cache, degraded_during: cache-down, healthy_within: 30s}
          - invariant: no_lost_writes
          - "errors: rate < 0.05"
        """.write(to: scenario, atomically: true, encoding: .utf8)
        // Deeper than a Unix socket's 107-byte path allows, as CI's checkout was: the servers must not need one there.
        let out = directory.appendingPathComponent("out/" + String(repeating: "deep-report-folder/", count: 4)).path
        let output = try await RevoProcess.run(["run", "--mode", "live", scenario.path, "--out", out])
        #expect(output.status == 0, "\(output.standardOutput)\(output.standardError)")
        // A log (not a terminal) gets the run's progress line at its start, then every 30 s.
        #expect(output.standardError.contains("live-smoke 0:00/0:16 · no fault · "), "\(output.standardError)")
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))
        let report = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(report?["mode"] as? String == "live")
        let first = (report?["scenarios"] as? [[String: Any]])?.first
        #expect(first?["reproduce"] as? String == "swift run revo run --mode live \(scenario.path) --seed 3")
        let fired = (first?["faults"] as? [[String: Any]])?.map { $0["fired"] as? Int ?? 0 }
        // The proxy faults once each; the rate limit as often as requests reached OpenAI (it cools down after one).
        #expect(fired.map { Array($0.prefix(2)) } == [1, 1])
        #expect((fired?.last ?? 0) >= 1)
        let requests = (first?["metrics"] as? [String: Any])?["requests"] as? Int ?? 0
        #expect(requests > 40)
        // The throwaway servers are gone; their logs stay next to the reports.
        #expect(FileManager.default.fileExists(atPath: out + "/live/services-live-smoke/serve.log"))
        #expect(FileManager.default.fileExists(atPath: out + "/live/services-live-smoke/postgres-server.log"))
        #expect(!FileManager.default.fileExists(atPath: out + "/live/services-live-smoke/postgres"))
    }
}
