import Foundation
import Testing

@testable import RevoScenarios

@Suite("Budget file")
struct BudgetFileTests {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let valid = """
        simulation:
          - name: chat-p95
            scenario: baseline-healthy
            threshold: "latency{route:chat}: p(95) < 2s"
            tolerance: 50ms
            reason: Chat answers inside the spinner.
        server:
          - name: chat-throughput
            figure: http.chat.ratio
            unit: x bare
            min: 0.75
            tolerance: 5%
            reason: Three quarters of the bare route.
        """

    func error(_ yaml: String) -> String? {
        do {
            _ = try BudgetFile.parse(yaml, file: "budgets.yaml")
            return nil
        } catch {
            return error.description
        }
    }

    @Test("a budget file reads into limits, directions, units and tolerances")
    func reads() throws {
        let file = try BudgetFile.parse(Self.valid, file: "budgets.yaml")
        #expect(file.budgets.map(\.name) == ["chat-p95", "chat-throughput"])
        let chat = file.budgets[0]
        #expect(chat.direction == .atMost && chat.limit == 2000 && !chat.inclusive && chat.unit == "ms")
        #expect(chat.tolerance == .absolute(50))
        #expect(chat.figure == "simulation.chat-p95")
        #expect(chat.location == "budgets.yaml:2:5")
        let ratio = file.budgets[1]
        #expect(ratio.direction == .atLeast && ratio.limit == 0.75 && ratio.inclusive && ratio.unit == "x bare")
        #expect(ratio.tolerance == .relative(0.05))
        #expect(file.simulation(for: "baseline-healthy").map(\.budget.name) == ["chat-p95"])
    }

    @Test(
        "bad input is rejected with file:line:column, the field and what is allowed",
        arguments: [
            (
                "simulation:\n  - name: a\n    scenario: s\n    threshold: \"errors: rate < 0.1\"\n    tolerance: 0\n    reason: r\n    limit: 3\n",
                "budgets.yaml:7:5: error: simulation[0].limit: unknown key 'limit'; allowed: name, reason, scenario, threshold, tolerance"
            ),
            (
                "simulation:\n  - name: a\n    scenario: s\n    threshold: \"errors: rate < 0.1\"\n    tolerance: 0\n",
                "budgets.yaml:2:5: error: simulation[0]: missing required field 'reason'"
            ),
            (
                "simulation:\n  - name: a\n    scenario: s\n    threshold: \"errors: rate == 0\"\n    tolerance: 0\n    reason: r\n",
                "budgets.yaml:4:16: error: simulation[0].threshold: a budget is a limit: use <, <=, > or >=, not =="
            ),
            (
                "server:\n  - name: a\n    figure: f.x\n    max: 1\n    min: 0\n    tolerance: 0\n    reason: r\n",
                "budgets.yaml:2:5: error: server[0]: give exactly one of max: (the figure stays at or under it) or min: (at or over it)"
            ),
            (
                "server:\n  - name: a\n    figure: f.x\n    max: 1\n    tolerance: lots\n    reason: r\n",
                "budgets.yaml:5:16: error: server[0].tolerance: expected a tolerance: 0, a number in the figure's unit, or a share such as 5%; got 'lots'"
            ),
            (
                "server:\n  - name: a\n    figure: f.x\n    max: 1\n    tolerance: 0\n    reason: r\n  - name: a\n    figure: f.y\n    max: 1\n    tolerance: 0\n    reason: r\n",
                "budgets.yaml:7:11: error: server[1].name: budget 'a' is already defined at budgets.yaml:2:5"
            ),
            (
                "server:\n  - name: Big\n    figure: f.x\n    max: 1\n    tolerance: 0\n    reason: r\n",
                "budgets.yaml:2:11: error: server[0].name: a budget's name is lower-case letters, digits, '-' and '.', got 'Big'"
            ),
            ("servers: []\n", "budgets.yaml:1:1: error: servers: unknown key 'servers'; allowed: server, simulation (did you mean 'server'?)"),
            ("simulation: []\n", "budgets.yaml:1:1: error: no budgets: add a list under simulation: or server:"),
        ]
    )
    func badInput(yaml: String, message: String) {
        #expect(error(yaml) == message)
    }

    @Test("within, past the limit, and worse than the baseline by more than the tolerance, in both directions")
    func judging() throws {
        let file = try BudgetFile.parse(Self.valid, file: "budgets.yaml")
        let latency = file.budgets[0]
        #expect(latency.holds(1999) && !latency.holds(2000))
        #expect(latency.used(1500) == 0.75)
        #expect(!latency.regressed(1050, from: 1000) && latency.regressed(1050.5, from: 1000))
        let ratio = file.budgets[1]
        #expect(ratio.holds(0.75) && !ratio.holds(0.74))
        #expect(ratio.used(1.5) == 0.5)
        #expect(!ratio.regressed(0.95, from: 1.0) && ratio.regressed(0.94, from: 1.0))
    }

    /// The committed file: every simulation budget names a library scenario and its faults, and every server figure is
    /// written by one of the commands in ci/ that measure them.
    @Test("budgets.yaml names library scenarios, their faults, and figures the benchmarks write")
    func committedFile() throws {
        let file = try BudgetFile.load(file: Self.checkout.appendingPathComponent("budgets.yaml").path)
        let scenarios = try ScenarioLoader.scenarioFiles(in: [Self.checkout.appendingPathComponent("Scenarios").path]).map {
            try ScenarioLoader.load(file: $0)
        }
        try SimulationBudgets(file).validate(against: scenarios)
        #expect(SimulationBudgets(file).unmatched(by: scenarios).isEmpty)
        let writers = try ["ci/bench-http", "Benchmarks/Allocations/Allocations.swift"].map {
            try String(contentsOf: Self.checkout.appendingPathComponent($0), encoding: .utf8)
        }.joined()
        for budget in file.budgets {
            guard case .measured(let figure) = budget.source else { continue }
            #expect(writers.contains("\"\(figure)\""), "no benchmark writes \(figure) (budget \(budget.name))")
        }
    }
}
