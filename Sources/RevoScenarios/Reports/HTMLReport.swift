import Foundation

/// One self-contained HTML page for a run: per scenario, SVG charts of latency over time against the budget with the
/// fault windows shaded, the provider mix over time, the health timeline, and the check table. No script, no
/// external files: it opens anywhere.
enum HTMLReport {
    /// The look every revo HTML report shares.
    static let style = """
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;max-width:1100px}
        h1{font-size:22px} h2{font-size:18px;margin-top:36px;border-top:1px solid #ddd;padding-top:16px}
        table{border-collapse:collapse;margin:8px 0} td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
        .PASS{color:#1a7f37;font-weight:600} .FAIL{color:#cf222e;font-weight:600} .UNKNOWN,.NO_DATA{color:#9a6700;font-weight:600}
        code{background:#f4f4f6;padding:1px 4px;border-radius:3px} svg{display:block;margin:6px 0 14px}
        .legend span{display:inline-block;margin-right:12px} .sw{display:inline-block;width:10px;height:10px;margin-right:4px}
        </style>
        """

    static func render(_ report: RunReport) -> String {
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>revo run: \(report.verdict.rawValue)</title>
            \(style)</head><body>
            <h1>revo run (\(report.mode)): <span class="\(report.verdict.rawValue)">\(report.verdict.rawValue)</span></h1>
            <table><tr><th>scenario</th><th>verdict</th><th>requests</th><th>errors</th><th>checks</th></tr>

            """
        for scenario in report.scenarios {
            let passed = scenario.checks.filter { $0.verdict == .pass }.count
            html +=
                "<tr><td><a href=\"#\(scenario.scenario)\">\(esc(scenario.scenario))</a></td><td class=\"\(scenario.verdict.rawValue)\">\(scenario.verdict.rawValue)</td>"
            html +=
                "<td>\(scenario.metrics.requests)</td><td>\(ReportWriter.format(scenario.metrics.errorRate * 100))%</td><td>\(passed)/\(scenario.checks.count)</td></tr>\n"
        }
        html += "</table>\n"
        for scenario in report.scenarios { html += section(scenario) }
        html += "</body></html>\n"
        return html
    }

    private static func section(_ scenario: ScenarioReport) -> String {
        var html =
            "<section class=\"scenario\" data-scenario=\"\(esc(scenario.scenario))\">\n<h2 id=\"\(esc(scenario.scenario))\">\(esc(scenario.scenario)) <span class=\"\(scenario.verdict.rawValue)\">\(scenario.verdict.rawValue)</span></h2>\n"
        html +=
            "<p>\(esc(scenario.description))</p>\n<p>Seed \(scenario.seed), \(ReportWriter.format(scenario.durationSeconds)) s simulated. Reproduce: <code>\(esc(scenario.reproduce))</code></p>\n"
        if !scenario.reasons.isEmpty {
            html += "<ul>" + scenario.reasons.map { "<li>\(esc($0))</li>" }.joined() + "</ul>\n"
        }
        html += "<h3>Latency p95 over time</h3>\n" + latencyChart(scenario)
        html += "<h3>Provider mix</h3>\n" + providerChart(scenario)
        html += "<h3>Health</h3>\n" + healthChart(scenario)
        html += "<h3>Checks</h3>\n<table><tr><th>check</th><th>verdict</th><th>observed</th></tr>\n"
        for check in scenario.checks {
            html +=
                "<tr><td><code>\(esc(check.check))</code></td><td class=\"\(check.verdict.rawValue)\">\(check.verdict.rawValue)</td><td>\(esc(check.observed))\(check.detail.map { "<br>" + esc($0) } ?? "")</td></tr>\n"
        }
        if !scenario.metrics.topErrors.isEmpty {
            html += "</table>\n<h3>Most frequent errors</h3>\n<table><tr><th>count</th><th>error</th></tr>\n"
            for error in scenario.metrics.topErrors { html += "<tr><td>\(error.count)</td><td>\(esc(error.error))</td></tr>\n" }
        }
        html += "</table>\n<h3>Faults</h3>\n<table><tr><th>fault</th><th>what</th><th>fired</th><th>healthy again after</th></tr>\n"
        for fault in scenario.faults {
            let recovered = fault.recoveredAfterSeconds.map { "\(ReportWriter.format($0)) s" } ?? "—"
            html +=
                "<tr><td>\(esc(fault.id))</td><td>\(esc(fault.summary))</td><td class=\"\(fault.fired > 0 ? "PASS" : "UNKNOWN")\">\(fault.fired)</td><td>\(recovered)</td></tr>\n"
        }
        return html + "</table>\n</section>\n"
    }

    static let width = 960.0
    static let left = 50.0

    private static func x(_ seconds: Double, _ scenario: ScenarioReport) -> Double {
        left + (width - left - 10) * seconds / max(1, scenario.durationSeconds)
    }

    private static func faultShading(_ scenario: ScenarioReport, height: Double) -> String {
        var svg = ""
        for fault in scenario.faults {
            for window in fault.windows.prefix(500) where window.count == 2 {
                let start = x(window[0], scenario)
                let end = max(start + 1, x(window[1], scenario))
                svg +=
                    "<rect x=\"\(ReportWriter.format(start))\" y=\"0\" width=\"\(ReportWriter.format(end - start))\" height=\"\(ReportWriter.format(height))\" fill=\"#cf222e\" opacity=\"0.12\"><title>\(esc(fault.id)): \(esc(fault.summary))</title></rect>"
            }
        }
        return svg
    }

    private static func axis(_ scenario: ScenarioReport, height: Double) -> String {
        var svg =
            "<line x1=\"\(left)\" y1=\"\(ReportWriter.format(height))\" x2=\"\(ReportWriter.format(width - 10))\" y2=\"\(ReportWriter.format(height))\" stroke=\"#999\"/>"
        for step in 0...4 {
            let seconds = scenario.durationSeconds * Double(step) / 4
            svg +=
                "<text x=\"\(ReportWriter.format(x(seconds, scenario)))\" y=\"\(ReportWriter.format(height + 14))\" font-size=\"11\" text-anchor=\"middle\">\(timeLabel(seconds))</text>"
        }
        return svg
    }

    private static func latencyChart(_ scenario: ScenarioReport) -> String {
        let height = 180.0
        let values = scenario.timeline.compactMap(\.p95Milliseconds)
        let budget = scenario.checks.compactMap { check -> Double? in
            guard check.check.hasPrefix("latency"), let range = check.check.range(of: "<") else { return nil }
            let bound = check.check[range.upperBound...].drop { $0 == "=" }
            return parseMilliseconds(bound.trimmingCharacters(in: .whitespaces))
        }.first
        let top = max(1, (values.max() ?? 1), budget ?? 0) * 1.1
        var svg =
            "<svg width=\"\(ReportWriter.format(width))\" height=\"\(ReportWriter.format(height + 20))\" role=\"img\" aria-label=\"p95 latency over time\">"
        svg += faultShading(scenario, height: height)
        svg +=
            "<text x=\"4\" y=\"12\" font-size=\"11\">\(ReportWriter.format(top)) ms</text><text x=\"4\" y=\"\(ReportWriter.format(height))\" font-size=\"11\">0</text>"
        if let budget {
            let y = height - height * budget / top
            svg +=
                "<line x1=\"\(left)\" y1=\"\(ReportWriter.format(y))\" x2=\"\(ReportWriter.format(width - 10))\" y2=\"\(ReportWriter.format(y))\" stroke=\"#9a6700\" stroke-dasharray=\"6 4\"><title>budget \(ReportWriter.format(budget)) ms</title></line>"
        }
        let points = scenario.timeline.compactMap { bucket -> String? in
            guard let p95 = bucket.p95Milliseconds else { return nil }
            return
                "\(ReportWriter.format(x(bucket.start + scenario.bucketSeconds / 2, scenario))),\(ReportWriter.format(height - height * p95 / top))"
        }
        svg += "<polyline fill=\"none\" stroke=\"#0969da\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
        return svg + axis(scenario, height: height) + "</svg>\n"
    }

    static let palette = ["#0969da", "#1a7f37", "#9a6700", "#8250df", "#cf222e", "#57606a"]

    private static func providerChart(_ scenario: ScenarioReport) -> String {
        let height = 120.0
        let providers = scenario.metrics.providers.keys.sorted()
        let barWidth = max(1, (width - left - 10) / Double(max(1, scenario.timeline.count)))
        var svg =
            "<svg width=\"\(ReportWriter.format(width))\" height=\"\(ReportWriter.format(height + 20))\" role=\"img\" aria-label=\"provider mix\">"
        svg += faultShading(scenario, height: height)
        for (index, bucket) in scenario.timeline.enumerated() {
            let total = bucket.providers.values.reduce(0, +)
            guard total > 0 else { continue }
            var y = height
            for (colour, provider) in providers.enumerated() {
                let share = Double(bucket.providers[provider] ?? 0) / Double(total)
                guard share > 0 else { continue }
                let h = height * share
                y -= h
                svg +=
                    "<rect x=\"\(ReportWriter.format(left + Double(index) * barWidth))\" y=\"\(ReportWriter.format(y))\" width=\"\(ReportWriter.format(barWidth))\" height=\"\(ReportWriter.format(h))\" fill=\"\(palette[colour % palette.count])\"/>"
            }
        }
        svg += axis(scenario, height: height) + "</svg>\n<div class=\"legend\">"
        for (colour, provider) in providers.enumerated() {
            svg +=
                "<span><i class=\"sw\" style=\"background:\(palette[colour % palette.count])\"></i>\(esc(provider)) (\(scenario.metrics.providers[provider] ?? 0))</span>"
        }
        return svg + "</div>\n"
    }

    private static func healthChart(_ scenario: ScenarioReport) -> String {
        let services = ["overall", "ready", "backend", "database", "cache", "models", "memory", "engines"]
        let row = 18.0
        let height = row * Double(services.count)
        var svg =
            "<svg width=\"\(ReportWriter.format(width))\" height=\"\(ReportWriter.format(height + 20))\" role=\"img\" aria-label=\"health timeline\">"
        for (index, service) in services.enumerated() {
            let y = Double(index) * row
            svg += "<text x=\"0\" y=\"\(ReportWriter.format(y + 13))\" font-size=\"11\">\(service)</text>"
            let changes = scenario.health.filter { $0.service == service }
            for (position, change) in changes.enumerated() {
                let end = position + 1 < changes.count ? changes[position + 1].at : scenario.durationSeconds
                let colour = change.status == .healthy ? "#1a7f37" : (change.status == .degraded ? "#d4a72c" : "#cf222e")
                let start = x(change.at, scenario)
                svg +=
                    "<rect x=\"\(ReportWriter.format(start))\" y=\"\(ReportWriter.format(y + 2))\" width=\"\(ReportWriter.format(max(1, x(end, scenario) - start)))\" height=\"\(ReportWriter.format(row - 4))\" fill=\"\(colour)\"><title>\(service) \(change.status.rawValue) from \(timeLabel(change.at))\(change.reason.map { ": " + esc($0) } ?? "")</title></rect>"
            }
        }
        return svg + axis(scenario, height: height) + "</svg>\n"
    }

    static func parseMilliseconds(_ text: String) -> Double? {
        YAMLNode.parseDuration(text).map { Double($0.nanoseconds) / 1_000_000 }
    }

    static func timeLabel(_ seconds: Double) -> String {
        seconds >= 3600
            ? "\(ReportWriter.format(seconds / 3600))h" : seconds >= 60 ? "\(ReportWriter.format(seconds / 60))m" : "\(ReportWriter.format(seconds))s"
    }

    static func esc(_ text: String) -> String {
        ReportWriter.escape(text)
    }
}
