import ArgumentParser
import Foundation
import RevoScenarios

extension RunCommand {
    /// The `--budgets` file checked against the scenarios of this run; nil without the option. Exit 64 when the file
    /// is invalid or a budget names a fault its scenario does not declare.
    func loadBudgets(for scenarios: [Scenario]) throws -> SimulationBudgets? {
        guard let budgets else { return nil }
        do {
            let simulation = SimulationBudgets(try BudgetFile.load(file: budgets))
            try simulation.validate(against: scenarios)
            return simulation
        } catch {
            printError("\(error)")
            throw ExitCode.usage
        }
    }

    /// Writes the measured figures to `budgets.json` and the table to `budgets.md`, prints each budget's line, and
    /// gives the budgets' verdict: FAIL when one is past its limit, UNKNOWN when one had no data.
    func judgeBudgets(
        _ budgets: SimulationBudgets,
        results: [ScenarioOutcome],
        scenarios: [Scenario],
        directory: String
    ) throws
        -> ScenarioReport.Verdict
    {
        let measured = results.flatMap(\.budgets)
        let figures = Dictionary(
            measured.compactMap { entry in entry.result.value.map { (entry.budget.figure, $0) } },
            uniquingKeysWith: { first, _ in first }
        )
        let names = Set(measured.map(\.budget.name))
        let file = BudgetFile(file: budgets.file.file, budgets: budgets.file.budgets.filter { names.contains($0.name) })
        let report = BudgetReport(file: file, figures: figures, baseline: nil, history: BudgetHistory(), trendLength: 0, commit: nil)
        do {
            try BudgetObservations(source: "revo run", figures: figures).write(to: directory + "/budgets.json")
            try report.markdown().write(toFile: directory + "/budgets.md", atomically: true, encoding: .utf8)
        } catch {
            printError("revo run: cannot write the budgets to \(directory): \(error)")
            throw ExitCode.internalError
        }
        var lines = ["budgets (\(budgets.file.file)): \(report.summary)"]
        for entry in measured {
            guard let result = report.results.first(where: { $0.name == entry.budget.name }), result.verdict != .within else { continue }
            lines.append(
                "  \(result.name) (\(result.verdict.rawValue)): \(entry.result.check) observed \(entry.result.observed) [\(entry.budget.location)]"
            )
        }
        let skipped = budgets.unmatched(by: scenarios).map(\.name)
        if !skipped.isEmpty { lines.append("  not in this run: \(skipped.joined(separator: ", "))") }
        if format == .text { print(lines.joined(separator: "\n")) } else { printError(lines.joined(separator: "\n")) }
        if report.results.contains(where: \.verdict.failed) { return .fail }
        return report.results.contains { $0.verdict == .unmeasured } ? .unknown : .pass
    }
}
