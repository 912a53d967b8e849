import ArgumentParser
import Foundation
import RevoScenarios

/// `revo compare BASELINE.json REPORT.json`: exit 4 when the run differs from the baseline (a simulation, exactly) or
/// regressed past a tolerance (live runs, or with --tolerance).
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a run's report.json with a baseline; exit 4 on any difference (sim) or regression (live, --tolerance).",
        discussion: """
            A simulation is deterministic: any difference from the baseline — the behaviour digest, a metric, a check's \
            observed value, a value on one side only — exits 4 until the baseline is updated on purpose \
            (ci/update-baseline, saying why in the commit). Improvements are listed too. Live reports, and any \
            comparison given --tolerance, look only at budgets that got worse by more than the tolerance.
            """
    )

    @Argument(help: "The baseline report.json (e.g. Reports/baselines/report.json).")
    var baseline: String

    @Argument(help: "The report.json of the run to judge.")
    var report: String

    @Option(help: "Compare budgets only, allowing this relative worsening, e.g. 5% or 0.05 (live runs use 0 by default).")
    var tolerance: String?

    @Option(help: "Differences printed per scenario.")
    var limit = 20

    func run() throws {
        let old = try readReport(baseline)
        let new = try readReport(report)
        if tolerance == nil, old.mode == "sim", new.mode == "sim" {
            try exact(old, new)
        } else {
            try budgets(old, new, tolerance: try parseTolerance(tolerance ?? "0"))
        }
    }

    private func exact(_ old: RunReport, _ new: RunReport) throws {
        let differences = BaselineComparison().exact(baseline: old, current: new)
        var shown: [String: Int] = [:]
        for difference in differences {
            shown[difference.scenario, default: 0] += 1
            if shown[difference.scenario]! <= limit { print(difference) }
        }
        for (scenario, count) in shown.sorted(by: { $0.key < $1.key }) where count > limit {
            print("... and \(count - limit) more difference(s) in \(scenario)")
        }
        let regressions = differences.filter { $0.kind == .regression }.count
        let improvements = differences.filter { $0.kind == .improvement }.count
        print(
            "\(differences.count) difference(s) against \(baseline): \(regressions) regression(s), \(improvements) improvement(s), "
                + "\(differences.count - regressions - improvements) other change(s)"
        )
        guard differences.isEmpty else {
            print("if the change is deliberate: ci/update-baseline, and say why in the commit")
            throw ExitCode.regression
        }
    }

    private func budgets(_ old: RunReport, _ new: RunReport, tolerance: Double) throws {
        let differences = BaselineComparison(tolerance: tolerance).compare(baseline: old, current: new)
        let regressions = differences.filter { $0.kind == .regression }
        for difference in differences { print(difference) }
        print("\(regressions.count) regression(s), \(differences.count - regressions.count) other difference(s) against \(baseline)")
        if !regressions.isEmpty { throw ExitCode.regression }
    }

    private func parseTolerance(_ text: String) throws -> Double {
        let percent = text.hasSuffix("%")
        guard let value = Double(percent ? String(text.dropLast()) : text), value >= 0 else {
            throw ValidationError("--tolerance must be a non-negative number or percentage, got '\(text)'")
        }
        return percent ? value / 100 : value
    }
}

/// Reads a report.json, or exits 64 naming the file and what is wrong with it.
func readReport(_ path: String) throws -> RunReport {
    do {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(RunReport.self, from: data)
    } catch let error as DecodingError {
        printError("\(path): not a revo report.json: \(error)")
        throw ExitCode.usage
    } catch {
        printError("\(path): cannot read: \(error.localizedDescription)")
        throw ExitCode.usage
    }
}
