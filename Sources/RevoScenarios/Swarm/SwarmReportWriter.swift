import Foundation

/// Writes a swarm's report into a folder: `swarm.json`, `swarm.md` (ready for a pull-request comment) and
/// `swarm.html` (in the look of the run report).
public enum SwarmReportWriter {
    public static func write(_ report: SwarmReport, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func save(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
        }
        try save("swarm.json", try json(report))
        try save("swarm.md", markdown(report))
        try save("swarm.html", html(report))
    }

    public static func json(_ report: SwarmReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    /// The headline: seeds, failures, speed.
    public static func summary(_ report: SwarmReport) -> String {
        var text = "\(report.seedsRun) seed(s) of \(report.spaces.joined(separator: ", ")): \(report.failed) failed"
        text += report.unrecoverable.isEmpty ? "" : ", \(report.unrecoverable.count) with a fault that never clears (liveness not judged)"
        text += report.notRun > 0 ? ", \(report.notRun) not run (budget)" : ""
        text +=
            "; \(ReportWriter.format(report.seedsPerMinute)) seeds/min, \(report.requests) requests in \(ReportWriter.format(report.wallSeconds)) s"
        return text
    }

    public static func markdown(_ report: SwarmReport) -> String {
        var text = "## revo swarm: \(report.passed ? "✅ no failure" : "❌ \(report.failed) failing seed(s)")\n\n\(summary(report))\n\n"
        if !report.failuresByProperty.isEmpty {
            text += "| property | failing seeds |\n|---|---|\n"
            for count in report.failuresByProperty { text += "| `\(count.name)` | \(count.seeds) |\n" }
            text += "\n"
        }
        for failure in report.failures {
            let properties = failure.violations.map { "`\($0.property.rawValue)` (\($0.observed))" }.joined(separator: "; ")
            text += "- seed \(failure.seed): \(properties) — `\(failure.reproduce)`\n"
            if let shrunk = failure.shrunk {
                text += "  - shrunk to \(shrunk.faults) fault(s), \(SwarmFormat.seconds(shrunk.durationSeconds)) at "
                text += "\(SwarmFormat.number(shrunk.rate))/s (\(shrunk.kept) of \(shrunk.tried) simplifications kept"
                text += shrunk.cutShort ? ", budget ran out" : ""
                text += "): `\(shrunk.reproduce)`\n"
            }
        }
        text += "\n### Fault kinds\n\n| fault | seeds on | failures |\n|---|---|---|\n"
        for row in report.faultKinds {
            text += "| `\(row.group)` | \(row.seeds) | \(row.failures.map { "\($0.name): \($0.seeds)" }.joined(separator: ", ")) |\n"
        }
        if !report.unrecoverable.isEmpty {
            text += "\n### Never cleared (liveness not judged)\n\n"
            for seed in report.unrecoverable.prefix(20) { text += "- seed \(seed.seed): \(seed.reason)\n" }
            if report.unrecoverable.count > 20 { text += "- and \(report.unrecoverable.count - 20) more\n" }
        }
        return text
    }

    static func html(_ report: SwarmReport) -> String {
        let esc = ReportWriter.escape
        let verdict = report.passed ? "PASS" : "FAIL"
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>revo swarm: \(verdict)</title>
            \(HTMLReport.style)</head><body>
            <h1>revo swarm: <span class="\(verdict)">\(verdict)</span></h1>
            <p>\(esc(summary(report)))</p>

            """
        if !report.failures.isEmpty {
            html += "<h2>Failures</h2><table><tr><th>seed</th><th>properties</th><th>reproduce</th><th>shrunk</th></tr>\n"
            for failure in report.failures {
                let properties = failure.violations.map { "<code>\($0.property.rawValue)</code> \(esc($0.observed))" }.joined(separator: "<br>")
                let shrunk = failure.shrunk.map {
                    "\($0.faults) fault(s), \(SwarmFormat.seconds($0.durationSeconds)): <code>\(esc($0.reproduce))</code>"
                }
                html += "<tr><td>\(failure.seed)</td><td class=\"FAIL\">\(properties)</td><td><code>\(esc(failure.reproduce))</code></td>"
                html += "<td>\(shrunk ?? "")</td></tr>\n"
            }
            html += "</table>\n"
        }
        html += "<h2>Fault kinds</h2><table><tr><th>fault</th><th>seeds on</th><th>failures</th></tr>\n"
        for row in report.faultKinds {
            let failures = row.failures.map { "\($0.name): \($0.seeds)" }.joined(separator: ", ")
            html +=
                "<tr><td><code>\(esc(row.group))</code></td><td>\(row.seeds)</td><td class=\"\(failures.isEmpty ? "PASS" : "FAIL")\">\(esc(failures))</td></tr>\n"
        }
        html += "</table>\n</body></html>\n"
        return html
    }
}
