import Foundation
import Testing

@testable import RevoScenarios

@Suite("Budget report")
struct BudgetReportTests {
    static let budgets = """
        simulation:
          - name: chat-p95
            scenario: baseline-healthy
            threshold: "latency{route:chat}: p(95) < 2s"
            tolerance: 0
            reason: Chat answers inside the spinner.
        server:
          - name: chat-allocations
            figure: allocations.chat
            unit: mallocs
            max: 300
            tolerance: 0
            reason: Exact, so one more is a change.
          - name: chat-throughput
            figure: http.chat.ratio
            unit: x bare
            min: 0.75
            tolerance: 5%
            reason: Three quarters of the bare route.
          - name: idle-memory
            figure: http.rss_idle_mb
            unit: MB
            max: 64
            tolerance: 10%
            reason: Fits a small container.
        """

    /// Three earlier commits, as CI's history file holds them.
    static let history = """
        {"commit":"a1","date":"2026-12-01T10:00:00Z","figures":{"allocations.chat":250,"http.chat.ratio":0.8,"simulation.chat-p95":1400}}
        {"commit":"b2","date":"2026-12-02T10:00:00Z","figures":{"allocations.chat":260,"http.chat.ratio":0.82,"simulation.chat-p95":1450}}

        {"commit":"c3","date":"2026-12-03T10:00:00Z","figures":{"allocations.chat":270,"http.chat.ratio":0.9,"simulation.chat-p95":1500}}
        """

    static func temporary(_ name: String, _ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("revo-budget-\(UUID().uuidString)-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func report() throws -> BudgetReport {
        let history = try BudgetHistory.read(try Self.temporary("history.jsonl", Self.history))
        #expect(history.entries.map(\.commit) == ["a1", "b2", "c3"])
        return BudgetReport(
            file: try BudgetFile.parse(Self.budgets, file: "budgets.yaml"),
            figures: ["simulation.chat-p95": 1600, "allocations.chat": 301, "http.chat.ratio": 0.8],
            baseline: ["simulation.chat-p95": 1500, "allocations.chat": 270, "http.chat.ratio": 0.9],
            history: history,
            trendLength: 20,
            commit: "d4"
        )
    }

    @Test("each budget's observed value, limit, share used, delta, trend over the history and verdict, in Markdown")
    func markdown() throws {
        let report = try report()
        #expect(report.results.map(\.verdict) == [.regressed, .over, .regressed, .unmeasured])
        #expect(report.failed.map(\.name) == ["chat-p95", "chat-allocations", "chat-throughput"])
        let expected = """
            ### Budgets: 3 of 4 failed (1 not measured)

            | budget | observed | limit | used | Δ baseline | trend | verdict |
            |---|---|---|---|---|---|---|
            | `chat-p95` | 1600 ms | ≤ 2000 ms | 80% | +100 ms | ▁▃▅█ | **REGRESSED** |
            | `chat-allocations` | 301 mallocs | ≤ 300 mallocs | 100.3% | +31 mallocs | ▁▂▄█ | **OVER** |
            | `chat-throughput` | 0.8 x bare | ≥ 0.75 x bare | 93.75% | -0.1 x bare | ▁▂█▁ | **REGRESSED** |
            | `idle-memory` | — | ≤ 64 MB | — | — | — | UNMEASURED |

            Trend over 4 commits (a1 … d4). Tolerances and reasons:

            - `chat-p95` (tolerance 0): Chat answers inside the spinner.
            - `chat-allocations` (tolerance 0): Exact, so one more is a change.
            - `chat-throughput` (tolerance 5%): Three quarters of the bare route.
            - `idle-memory` (tolerance 10%): Fits a small container.

            """
        #expect(report.markdown() == expected)
    }

    @Test("the HTML report has a row per budget with its verdict's class, and the plain text lines up")
    func otherFormats() throws {
        let report = try report()
        let html = report.html()
        #expect(html.contains("<td class=\"OVER\">OVER</td>"))
        #expect(html.components(separatedBy: "<tr><td>").count - 1 == 4)
        #expect(html.contains("Trend over 4 commits: a1, b2, c3, d4."))
        let lines = report.text().split(separator: "\n")
        #expect(lines.first == "Budgets: 3 of 4 failed (1 not measured)")
        #expect(lines.count == 6)
        // Columns are padded by characters: every row's verdict starts where the header's does.
        let header = Array(lines[1])
        let column = (0..<header.count).first { String(header[$0...]).hasPrefix("verdict") } ?? 0
        #expect(lines.dropFirst(2).map { String(Array($0).dropFirst(column)) } == ["REGRESSED", "OVER", "REGRESSED", "UNMEASURED"])
    }

    @Test("within the limit and the tolerance passes; a figure nobody measured is listed, not failed")
    func passing() throws {
        let report = BudgetReport(
            file: try BudgetFile.parse(Self.budgets, file: "budgets.yaml"),
            figures: ["simulation.chat-p95": 1500, "allocations.chat": 270, "http.chat.ratio": 0.86],
            baseline: ["simulation.chat-p95": 1500, "allocations.chat": 270, "http.chat.ratio": 0.9],
            history: BudgetHistory(),
            trendLength: 20,
            commit: nil
        )
        #expect(report.failed.isEmpty)
        #expect(report.summary == "3 of 4 within (1 not measured)")
        #expect(report.results[0].trend == [1500])
    }

    @Test("history: appended lines read back in order; a broken line is an error naming its line")
    func history() throws {
        let path = try Self.temporary("history.jsonl", Self.history)
        try BudgetHistory.append(.init(commit: "d4", date: "2026-12-04T10:00:00Z", figures: ["allocations.chat": 280]), to: path)
        let read = try BudgetHistory.read(path)
        #expect(read.entries.map(\.commit) == ["a1", "b2", "c3", "d4"])
        #expect(read.values(of: "allocations.chat", last: 2) == [270, 280])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix(#"{"commit":"d4","date":"2026-12-04T10:00:00Z","figures":{"allocations.chat":280}}"# + "\n"))

        let broken = try Self.temporary("broken.jsonl", Self.history + "\n{\"commit\": 3}\n")
        #expect(throws: BudgetError.self) { try BudgetHistory.read(broken) }
        do {
            _ = try BudgetHistory.read(broken)
        } catch {
            #expect(error.description.hasPrefix("\(broken):5: error: expected {"))
        }
        #expect(try BudgetHistory.read("/nonexistent/history.jsonl").entries.isEmpty)
    }

    @Test("sparklines scale between the series' lowest and highest values")
    func sparkline() {
        #expect(Sparkline.draw([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.draw([5, 5, 5]) == "▄▄▄")
        #expect(Sparkline.draw([]) == "")
        #expect(Sparkline.draw([10, 0]) == "█▁")
    }
}
