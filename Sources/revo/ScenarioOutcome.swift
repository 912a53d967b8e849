import Foundation
import RevoCore
import RevoScenarios
import Synchronization

/// One scenario's run (or two, when checking determinism), judged.
struct ScenarioOutcome: Sendable {
    var scenario: Scenario
    var report: ScenarioReport?
    var wall: Duration
    /// Simulated seconds per wall second.
    var compression: Double
    var failure: String?
    var nondeterministic = false
    /// The budgets of budgets.yaml for this scenario, measured on its (first) run.
    var budgets: [(budget: Budget, result: CheckResult)] = []

    static func run(_ scenario: Scenario, seed: UInt64?, twice: Bool, budgets: SimulationBudgets? = nil) -> ScenarioOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        var measured: [(budget: Budget, result: CheckResult)] = []
        func once() -> Result<ScenarioReport, SimRunner.Failure> {
            Result { () throws(SimRunner.Failure) in
                let run = try SimRunner().run(scenario, seed: seed)
                if let budgets, measured.isEmpty { measured = budgets.measure(run) }
                return ScenarioReport(run: run, checks: CheckEvaluator().evaluate(run))
            }
        }
        let first = once()
        let wall = start.duration(to: clock.now)
        guard case .success(let report) = first else {
            return ScenarioOutcome(scenario: scenario, wall: wall, compression: 0, failure: "internal error: \(first)")
        }
        var outcome = ScenarioOutcome(
            scenario: scenario,
            report: report,
            wall: wall,
            compression: wall.seconds > 0 ? scenario.duration.seconds / wall.seconds : 0
        )
        outcome.budgets = measured
        if twice {
            switch once() {
            case .success(let second) where second == report:
                break
            case .success(let second):
                outcome.nondeterministic = true
                outcome.failure = "NONDETERMINISM: digest \(report.simulation.digest) then \(second.simulation.digest) with seed \(report.seed)"
            case .failure(let error):
                outcome.failure = "internal error on the second run: \(error)"
            }
        }
        return outcome
    }
}

/// Progress: a rewritten line on a terminal, one plain line per scenario elsewhere (CI logs).
final class Progress: Sendable {
    private let state: Mutex<Int>
    private let total: Int
    private let terminal: Bool
    private let toStandardError: Bool

    init(total: Int, toStandardError: Bool) {
        self.total = total
        self.state = Mutex(0)
        self.toStandardError = toStandardError
        self.terminal = !toStandardError && isatty(STDOUT_FILENO) == 1 && ProcessEnvironment.value("CI") == nil
    }

    func finished(_ outcome: ScenarioOutcome) {
        StatusLine.shared.clear()
        state.withLock { done in
            done += 1
            let verdict = outcome.failure.map { _ in "ERROR" } ?? outcome.report?.verdict.rawValue ?? "?"
            let line =
                "[\(done)/\(total)] \(outcome.scenario.name): \(verdict) (\(outcome.scenario.duration.formattedSeconds) simulated in \(outcome.wall.formattedSeconds), \(Int(outcome.compression))x)"
            if toStandardError {
                printError(line)
            } else if terminal {
                let width = 30
                let filled = width * done / total
                print("\r\u{1B}[2K" + line)
                print(
                    "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(done)/\(total)",
                    terminator: done == total ? "\n" : "\r"
                )
            } else {
                print(line)
            }
            fflush(nil)  // every output stream: `stdout` itself is not concurrency-safe to name
        }
    }
}
