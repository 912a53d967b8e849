import Foundation
import Testing

@testable import revo

@Suite("revo run and revo validate")
struct RunCommandTests {
    static func scenario(_ name: String, checks: String, faults: String = "") -> String {
        """
        name: \(name)
        description: command-line test
        duration: 1m
        workload:
          rate: 2/s
          mix: {chat: 1}
        \(faults)
        checks:
        \(checks)
        """
    }

    /// A fresh folder with the given scenario files.
    static func folder(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("revo-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return directory
    }

    @Test("exit 0 on pass, 1 on a failed check with the repro command, 2 on unknown; reports are written")
    func exitCodes() async throws {
        let pass = try Self.folder(["a.yaml": Self.scenario("pass", checks: "  - \"errors: rate < 0.01\"")])
        let out = pass.appendingPathComponent("out").path
        let passed = try await RevoProcess.run(["run", pass.path, "--out", out])
        #expect(passed.status == 0, "\(passed.standardOutput)\(passed.standardError)")
        for file in ["report.json", "junit.xml", "summary.md", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "missing \(file)")
        }

        let fail = try Self.folder(["b.yaml": Self.scenario("fail", checks: "  - \"latency: p(50) < 1ms\"")])
        let failed = try await RevoProcess.run(["run", fail.path, "--out", fail.appendingPathComponent("out").path])
        #expect(failed.status == 1)
        #expect(failed.standardOutput.contains("reproduce: swift run revo run \(fail.path)/b.yaml --seed 1"))

        let unknown = try Self.folder(["c.yaml": Self.scenario("unknown", checks: "  - \"latency{route:engine}: p(95) < 1s\"")])
        #expect(try await RevoProcess.run(["run", unknown.path, "--out", unknown.appendingPathComponent("out").path]).status == 2)
    }

    @Test("a malformed scenario exits 64 with a precise message, and nothing runs")
    func malformed() async throws {
        let folder = try Self.folder([
            "good.yaml": Self.scenario("good", checks: "  - \"errors: rate < 0.01\""),
            "bad.yaml": Self.scenario("bad", checks: "  - \"errors: rate < 0.01\"").replacingOccurrences(of: "rate: 2/s", with: "rate: fast"),
        ])
        let validated = try await RevoProcess.run(["validate", folder.path])
        #expect(validated.status == 64)
        #expect(validated.standardError.contains("bad.yaml:5:9: error: workload.rate: expected a rate such as 20/s, got 'fast'"))
        let run = try await RevoProcess.run(["run", folder.path, "--out", folder.appendingPathComponent("out").path])
        #expect(run.status == 64)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    @Test("--check-determinism runs twice and passes on a deterministic scenario")
    func determinism() async throws {
        let folder = try Self.folder(["a.yaml": Self.scenario("twice", checks: "  - \"errors: rate < 0.01\"")])
        let result = try await RevoProcess.run(["run", folder.path, "--check-determinism", "--out", folder.appendingPathComponent("out").path])
        #expect(result.status == 0, "\(result.standardOutput)")
    }

    @Test("--format json puts the report on standard output; --fail-fast starts nothing after a failure")
    func formatAndFailFast() async throws {
        let folder = try Self.folder([
            "a.yaml": Self.scenario("short-fail", checks: "  - \"latency: p(50) < 1ms\"").replacingOccurrences(
                of: "duration: 1m",
                with: "duration: 5m"
            ),
            "b.yaml": Self.scenario("later", checks: "  - \"errors: rate < 0.01\""),
        ])
        let json = try await RevoProcess.run([
            "run", folder.appendingPathComponent("b.yaml").path, "--format", "json", "--out", folder.appendingPathComponent("o1").path,
        ])
        let decoded = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        #expect(decoded?["verdict"] as? String == "PASS")
        #expect(json.standardError.contains("1 scenario(s): PASS"))

        let fast = try await RevoProcess.run(["run", folder.path, "--fail-fast", "--jobs", "1", "--out", folder.appendingPathComponent("o2").path])
        #expect(fast.status == 1)
        #expect(fast.standardOutput.contains("not run (--fail-fast): later"))
    }

    @Test("shards deal scenarios round-robin and together cover the suite exactly once")
    func sharding() async throws {
        let items = Array(0..<7)
        let shards = try (1...3).map { try Shard(parsing: "\($0)/3").select(items) }
        #expect(shards == [[0, 3, 6], [1, 4], [2, 5]])
        #expect(shards.flatMap { $0 }.sorted() == items)
        #expect(throws: (any Error).self) { try Shard(parsing: "4/3") }
        #expect(throws: (any Error).self) { try Shard(parsing: "0/3") }
        let bad = try await RevoProcess.run(["run", "--shard", "5/2"])
        #expect(bad.status == 64)
    }
}
