/// The simulation's budgets for the scenarios of one run: checked against each scenario before it runs, measured on
/// its run after.
public struct SimulationBudgets: Sendable {
    public let file: BudgetFile

    public init(_ file: BudgetFile) {
        self.file = file
    }

    /// Fails when a budget of one of these scenarios names a fault the scenario does not declare.
    public func validate(against scenarios: [Scenario]) throws(BudgetError) {
        for scenario in scenarios {
            for (budget, threshold) in file.simulation(for: scenario.name) {
                guard let scope = threshold.scope, !scenario.faults.contains(where: { $0.id == scope.fault }) else { continue }
                let declared = scenario.faults.map(\.id).joined(separator: ", ")
                throw .invalid(budget.location, "\(budget.name): \(scenario.name) has no fault '\(scope.fault)'; declared: \(declared)")
            }
        }
    }

    /// Budgets that name none of `scenarios`: not measured by this run.
    public func unmatched(by scenarios: [Scenario]) -> [Budget] {
        let names = Set(scenarios.map(\.name))
        return file.budgets.filter { budget in
            guard case .simulation(let scenario, _) = budget.source else { return false }
            return !names.contains(scenario)
        }
    }

    /// Each of the scenario's budgets measured on its run, in the file's order.
    public func measure(_ run: ScenarioRun) -> [(budget: Budget, result: CheckResult)] {
        file.simulation(for: run.scenario.name).map { budget, threshold in
            (budget, CheckEvaluator().measure(threshold, in: run))
        }
    }
}
