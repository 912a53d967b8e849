import Foundation
import Testing

@testable import revo

@Suite("revo run --budgets, revo budget report and revo budget compare")
struct BudgetCommandTests {
    static func budgets(limit: String, fault: String = "") -> String {
        """
        simulation:
          - name: tiny-p95
            scenario: tiny
            threshold: "latency{route:chat\(fault)}: p(95) < \(limit)"
            tolerance: 0
            reason: The tiny scenario's chats answer quickly.
        server:
          - name: chat-allocations
            figure: allocations.chat.stateless
            max: 300
            tolerance: 0
            reason: Exact counts.
        """
    }

    static func folder(budgets: String) throws -> URL {
        let folder = try RunCommandTests.folder([
            "tiny.yaml": RunCommandTests.scenario("tiny", checks: "  - \"errors: rate < 0.01\""),
            "budgets.yaml": budgets,
        ])
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: folder.appendingPathComponent("tiny.yaml"), to: folder.appendingPathComponent("scenarios/tiny.yaml"))
        return folder
    }

    @Test("a budget within its limit passes and writes its figure; past it, the run fails naming the budget's line")
    func runWithBudgets() async throws {
        let within = try Self.folder(budgets: Self.budgets(limit: "10s"))
        let out = within.appendingPathComponent("out").path
        let passed = try await RevoProcess.run([
            "run", within.appendingPathComponent("scenarios").path, "--out", out, "--budgets", within.appendingPathComponent("budgets.yaml").path,
        ])
        #expect(passed.status == 0, "\(passed.standardOutput)\(passed.standardError)")
        #expect(passed.standardOutput.contains("budgets (\(within.path)/budgets.yaml): 1 of 1 within"))
        let figures = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/budgets.json"))) as? [String: Any]
        let p95 = (figures?["figures"] as? [String: Double])?["simulation.tiny-p95"]
        #expect(p95 != nil && p95! > 0 && p95! < 10_000)
        #expect(try String(contentsOfFile: out + "/budgets.md", encoding: .utf8).contains("| `tiny-p95` |"))

        let over = try Self.folder(budgets: Self.budgets(limit: "1ms"))
        let failed = try await RevoProcess.run([
            "run", over.appendingPathComponent("scenarios").path, "--out", over.appendingPathComponent("out").path, "--budgets",
            over.appendingPathComponent("budgets.yaml").path,
        ])
        #expect(failed.status == 1)
        #expect(failed.standardOutput.contains("tiny-p95 (OVER): latency{route:chat}: p(95) < 1ms observed p(95)="))
        #expect(failed.standardOutput.contains("[\(over.path)/budgets.yaml:2:5]"))
    }

    @Test("a budget naming a fault its scenario lacks exits 64 before anything runs")
    func unknownFault() async throws {
        let folder = try Self.folder(budgets: Self.budgets(limit: "1s", fault: ", during: nothing"))
        let out = folder.appendingPathComponent("out").path
        let run = try await RevoProcess.run([
            "run", folder.appendingPathComponent("scenarios").path, "--out", out, "--budgets", folder.appendingPathComponent("budgets.yaml").path,
        ])
        #expect(run.status == 64)
        #expect(run.standardError.contains("budgets.yaml:2:5: error: tiny-p95: tiny has no fault 'nothing'"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("the report judges figures against the baseline, records the history, and exits 1 on a regression")
    func report() async throws {
        let folder = try Self.folder(budgets: Self.budgets(limit: "2s"))
        func write(_ name: String, _ figures: String) throws -> String {
            let path = folder.appendingPathComponent(name).path
            try #"{"source": "test", "figures": {\#(figures)}}"#.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let budgets = folder.appendingPathComponent("budgets.yaml").path
        let history = folder.appendingPathComponent("history.jsonl").path
        let baseline = try write("baseline.json", #""simulation.tiny-p95": 900, "allocations.chat.stateless": 250"#)
        let same = try write("same.json", #""simulation.tiny-p95": 900, "allocations.chat.stateless": 250"#)
        let worse = try write("worse.json", #""simulation.tiny-p95": 900, "allocations.chat.stateless": 251"#)
        let arguments = ["budget", "report", "--budgets", budgets, "--baseline", baseline, "--history", history]
        let first = try await RevoProcess.run(arguments + ["--observed", same, "--record", "a1"])
        #expect(first.status == 0, "\(first.standardOutput)\(first.standardError)")
        #expect(first.standardOutput.contains("Budgets: 2 of 2 within"))
        let second = try await RevoProcess.run(arguments + ["--observed", worse, "--record", "b2", "--format", "markdown"])
        #expect(second.status == 1)
        #expect(second.standardOutput.contains("| `chat-allocations` | 251 | ≤ 300 | 83.67% | +1 | ▁█ | **REGRESSED** |"))
        let lines = try String(contentsOfFile: history, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[1].hasPrefix(#"{"commit":"b2","date":""#))
        #expect(lines[1].hasSuffix(#""figures":{"allocations.chat.stateless":251,"simulation.tiny-p95":900}}"#))

        let both = try await RevoProcess.run(["budget", "report", "--budgets", budgets, "--observed", same, "--observed", worse])
        #expect(both.status == 64)
        #expect(
            both.standardError.contains("figure 'allocations.chat.stateless' is also in \(same)")
                || both.standardError.contains("is also in \(worse)")
        )
    }

    @Test("compare: a significant slowdown beyond the minimum effect exits 1 with the confidence; noise exits 0")
    func compare() async throws {
        let folder = try RunCommandTests.folder([
            "base.txt": "# req/s\n1000\n1010\n990\n1005\n995\n1002\n998\n1008\n992\n",
            "slower.txt": "900\n909\n891\n904\n895\n902\n898\n907\n893\n",
            "noise.txt": "1001\n1009\n991\n1004\n996\n1003\n997\n1007\n993\n",
            "short.txt": "1\n2\n3\n",
            "bad.txt": "1\nfast\n",
        ])
        func compare(_ candidate: String) async throws -> RevoProcess.Output {
            try await RevoProcess.run([
                "budget", "compare", "--baseline", folder.appendingPathComponent("base.txt").path,
                "--candidate", folder.appendingPathComponent(candidate).path, "--better", "higher", "--label", "chat req/s",
            ])
        }
        let slower = try await compare("slower.txt")
        #expect(slower.status == 1)
        #expect(slower.standardOutput.contains("chat req/s: median 1000 -> 900 (-10.0%), n=9+9, U=0, p=0.0000 exact, confidence 100.0%: REGRESSED"))
        let noise = try await compare("noise.txt")
        #expect(noise.status == 0)
        #expect(noise.standardOutput.hasSuffix(": SAME\n"))
        #expect(try await compare("short.txt").standardError.contains("short.txt: error: 3 repetitions; at least 9 are needed"))
        let bad = try await compare("bad.txt")
        #expect(bad.status == 64)
        #expect(bad.standardError.contains("bad.txt:2: error: expected a number, got 'fast'"))
    }
}
