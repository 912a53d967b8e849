import ArgumentParser
import RevoScenarios

/// `revo validate`: checks scenario files without running them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files: unknown keys, wrong types and impossible values are reported with file:line:column (exit 64)."
    )

    @Argument(help: "Scenario files or folders of them.")
    var paths: [String] = ["Scenarios"]

    func run() throws {
        let scenarios = try loadScenarios(paths)
        for scenario in scenarios {
            print("\(scenario.file): ok (\(scenario.name): \(scenario.faults.count) fault(s), \(scenario.checks.count) check(s))")
        }
    }
}
