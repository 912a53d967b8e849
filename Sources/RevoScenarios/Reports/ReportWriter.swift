import Foundation

/// Writes a run's reports into one folder: `report.json`, `junit.xml`, `summary.md`, `report.html`.
public enum ReportWriter {
    public static func write(_ report: RunReport, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func save(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
        }
        try save("report.json", try json(report))
        try save("junit.xml", junit(report))
        try save("summary.md", markdown(report))
        try save("report.html", HTMLReport.render(report))
    }

    public static func json(_ report: RunReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    /// The deterministic part of a run's JSON: everything but the wall-clock block.
    public static func deterministicJSON(_ scenarios: [ScenarioReport]) throws -> String {
        try json(RunReport(revo: "", mode: "sim", scenarios: scenarios, run: nil))
    }

    /// One testcase per scenario × seed; failed checks as the failure, the repro command as a property.
    public static func junit(_ report: RunReport) -> String {
        let failures = report.scenarios.filter { $0.verdict == .fail }.count
        let skipped = report.scenarios.filter { $0.verdict == .unknown }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"revo\" tests=\"\(report.scenarios.count)\" failures=\"\(failures)\" skipped=\"\(skipped)\">\n"
        xml +=
            "  <testsuite name=\"scenarios (\(report.mode))\" tests=\"\(report.scenarios.count)\" failures=\"\(failures)\" skipped=\"\(skipped)\">\n"
        for scenario in report.scenarios {
            let wall = report.run?.scenarios.first { $0.scenario == scenario.scenario && $0.seed == scenario.seed }?.wallSeconds ?? 0
            xml +=
                "    <testcase classname=\"\(escape(scenario.file))\" name=\"\(escape(scenario.scenario)) [seed \(scenario.seed)]\" time=\"\(wall)\">\n"
            xml += "      <properties><property name=\"reproduce\" value=\"\(escape(scenario.reproduce))\"/></properties>\n"
            switch scenario.verdict {
            case .pass: break
            case .fail:
                let message = scenario.checks.filter { $0.verdict == .fail }.map { "\($0.check): \($0.observed)" }.joined(separator: "; ")
                xml +=
                    "      <failure message=\"\(escape(message))\">\(escape(scenario.reasons.joined(separator: "\n")))\nreproduce: \(escape(scenario.reproduce))</failure>\n"
            case .unknown:
                xml += "      <skipped message=\"\(escape(scenario.reasons.joined(separator: "; ")))\"/>\n"
            }
            xml += "    </testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    /// A summary for CI step summaries: one row per scenario, then what failed and how to reproduce it.
    public static func markdown(_ report: RunReport) -> String {
        var text = "## revo run (\(report.mode)): \(report.verdict.rawValue)\n\n"
        text += "| scenario | verdict | requests | errors | p95 | providers | checks | simulated / wall |\n|---|---|---|---|---|---|---|---|\n"
        for scenario in report.scenarios {
            let p95 = scenario.metrics.latency.map(\.p95Milliseconds).max().map { "\(format($0)) ms" } ?? "–"
            let providers = scenario.metrics.providers.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let passed = scenario.checks.filter { $0.verdict == .pass }.count
            text += "| \(scenario.scenario) | \(icon(scenario.verdict)) \(scenario.verdict.rawValue) | \(scenario.metrics.requests) | "
            let compression =
                report.run?.scenarios.first { $0.scenario == scenario.scenario && $0.seed == scenario.seed }
                .map { "\(format(scenario.durationSeconds)) s / \(format($0.wallSeconds)) s (\(Int($0.compression))×)" } ?? "–"
            text += "\(format(scenario.metrics.errorRate * 100))% | \(p95) | \(providers) | \(passed)/\(scenario.checks.count) | \(compression) |\n"
        }
        let notPassed = report.scenarios.filter { $0.verdict != .pass }
        if !notPassed.isEmpty {
            text += "\n### Not passing\n"
            for scenario in notPassed {
                text += "\n**\(scenario.scenario)** (\(scenario.verdict.rawValue))\n\n"
                for reason in scenario.reasons { text += "- \(reason)\n" }
                if !scenario.metrics.topErrors.isEmpty {
                    text += "\nMost frequent errors:\n\n"
                    for error in scenario.metrics.topErrors.prefix(5) { text += "- \(error.count)× \(error.error)\n" }
                }
                text += "\nReproduce: `\(scenario.reproduce)`\n"
            }
        }
        if let run = report.run {
            text += "\n_\(report.scenarios.count) scenario(s) in \(format(run.wallSeconds)) s wall time, \(run.jobs) job(s)._\n"
        }
        return text
    }

    static func icon(_ verdict: ScenarioReport.Verdict) -> String {
        switch verdict {
        case .pass: "✅"
        case .unknown: "❔"
        case .fail: "❌"
        }
    }

    static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
