import Foundation

/// Every budget judged together: what `revo budget report` prints, as a table in Markdown (ready for a pull-request
/// comment), HTML (the run report's look) or plain text.
public struct BudgetReport: Sendable, Codable, Equatable {
    public var budgets: String
    public var results: [BudgetResult]
    /// Commits in the trend, oldest first (this run last, as `current` unless named).
    public var commits: [String]

    public init(file: BudgetFile, figures: [String: Double], baseline: [String: Double]?, history: BudgetHistory, trendLength: Int, commit: String?) {
        budgets = file.file
        results = file.budgets.map { BudgetResult($0, figures: figures, baseline: baseline, history: history, trendLength: trendLength) }
        commits = history.entries.suffix(trendLength).map(\.commit) + [commit ?? "current"]
    }

    public var failed: [BudgetResult] { results.filter(\.verdict.failed) }

    // MARK: Rendering

    static let header = ["budget", "observed", "limit", "used", "Δ baseline", "trend", "verdict"]

    /// One row of cells per budget, in the file's order.
    func rows() -> [[String]] {
        results.map { result in
            let sign = result.direction == .atMost ? "≤" : "≥"
            return [
                result.name,
                result.observed.map { Self.figure($0, result.unit) } ?? "—",
                "\(sign) \(Self.figure(result.limit, result.unit))",
                result.used.map { Self.number($0 * 100) + "%" } ?? "—",
                result.delta.map { ($0 > 0 ? "+" : "") + Self.figure($0, result.unit) } ?? "—",
                result.trend.isEmpty ? "—" : Sparkline.draw(result.trend),
                result.verdict.rawValue,
            ]
        }
    }

    public func markdown() -> String {
        var lines = ["### Budgets: \(summary)", ""]
        lines.append("| " + Self.header.joined(separator: " | ") + " |")
        lines.append("|" + Self.header.map { _ in "---" }.joined(separator: "|") + "|")
        for (row, result) in zip(rows(), results) {
            var cells = row
            cells[0] = "`\(row[0])`"
            if result.verdict.failed { cells[6] = "**\(row[6])**" }
            lines.append("| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        lines += ["", "Trend over \(commitCount) (\(commits.first ?? "") … \(commits.last ?? "")). Tolerances and reasons:", ""]
        for result in results { lines.append("- `\(result.name)` (tolerance \(result.tolerance)): \(result.reason)") }
        return lines.joined(separator: "\n") + "\n"
    }

    public func text() -> String {
        let table = [Self.header] + rows()
        let widths = Self.header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        let lines = table.map { row in
            String(
                zip(row, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                    .reversed().drop { $0 == " " }.reversed()
            )
        }
        return "Budgets: \(summary)\n" + lines.joined(separator: "\n") + "\n"
    }

    public func html() -> String {
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>revo budgets: \(ReportWriter.escape(summary))</title>
            \(HTMLReport.style)
            <style>.WITHIN{color:#1a7f37;font-weight:600} .OVER,.REGRESSED{color:#cf222e;font-weight:600} .UNMEASURED{color:#9a6700}</style>
            </head><body>
            <h1>Budgets: \(ReportWriter.escape(summary))</h1>
            <table><tr>\(Self.header.map { "<th>\($0)</th>" }.joined())<th>tolerance</th><th>reason</th></tr>

            """
        for (row, result) in zip(rows(), results) {
            let cells = row.enumerated().map { index, cell in
                index == 6 ? "<td class=\"\(result.verdict.rawValue)\">\(cell)</td>" : "<td>\(ReportWriter.escape(cell))</td>"
            }
            html += "<tr>" + cells.joined() + "<td>\(ReportWriter.escape(result.tolerance))</td><td>\(ReportWriter.escape(result.reason))</td></tr>\n"
        }
        html += "</table>\n<p>Trend over \(commitCount): \(commits.map(ReportWriter.escape).joined(separator: ", ")).</p>\n</body></html>\n"
        return html
    }

    /// `4 commits`, `1 commit`.
    var commitCount: String {
        commits.count == 1 ? "1 commit" : "\(commits.count) commits"
    }

    /// `3 of 4 failed (1 not measured)`, `14 of 14 within`.
    public var summary: String {
        let unmeasured = results.filter { $0.verdict == .unmeasured }.count
        let note = unmeasured > 0 ? " (\(unmeasured) not measured)" : ""
        if failed.isEmpty { return "\(results.count - unmeasured) of \(results.count) within\(note)" }
        return "\(failed.count) of \(results.count) failed\(note)"
    }

    static func figure(_ value: Double, _ unit: String) -> String {
        number(value) + (unit.isEmpty ? "" : " \(unit)")
    }

    /// Up to four significant digits, without trailing zeros.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e12 { return String(Int(value)) }
        let digits = max(0, 3 - Int(floor(log10(max(abs(value), 1e-9)))))
        var text = String(format: "%.\(min(digits, 6))f", value)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
