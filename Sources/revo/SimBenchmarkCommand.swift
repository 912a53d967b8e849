import ArgumentParser
import Foundation
import RevoBenchmarks
import RevoRuntime
import RevoScenarios

/// `revo benchmark sim`: how fast the simulation runs each scenario on one core — simulated requests per wall second
/// and simulated seconds per wall second (the run alone: judging and reports are not timed).
struct SimBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Simulated requests per wall second and compression of each scenario, on one core.",
        discussion: "Build with -c release for meaningful figures: swift run -c release revo benchmark sim Scenarios/"
    )

    @Argument(help: "Scenario files or folders (default: Scenarios).")
    var paths: [String] = ["Scenarios"]

    @Option(help: "Runs of each scenario; the median is reported.")
    var rounds = 3

    func validate() throws {
        guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be between 1 and 100, got \(rounds)") }
    }

    func run() throws {
        let scenarios: [Scenario]
        do {
            scenarios = try ScenarioLoader.scenarioFiles(in: paths).map { file throws(ScenarioError) in try ScenarioLoader.load(file: file) }
        } catch {
            throw ValidationError(error.description)
        }
        print("scenario                     requests   wall (median)   requests/s   compression")
        var totalWall = Duration.zero
        var totalRequests = 0
        let benchmark = SimBenchmark(rounds: rounds)
        for scenario in scenarios where !scenario.liveOnly {
            let row: SimBenchmark.Row
            do {
                row = try benchmark.measure(scenario)
            } catch {
                throw ValidationError("\(scenario.name): \(error)")
            }
            totalWall += row.wall
            totalRequests += row.requests
            print(Self.row(row))
        }
        print(Self.row(SimBenchmark.Row(scenario: "all", requests: totalRequests, wall: totalWall, simulated: nil)))
    }

    private static func row(_ row: SimBenchmark.Row) -> String {
        let compression = row.compression.map { String(format: "%10.0fx", $0) } ?? ""
        return row.scenario.padding(toLength: 28, withPad: " ", startingAt: 0)
            + String(format: "%9d   %10.3f s   %10.0f   ", row.requests, row.wall.seconds, row.requestsPerSecond) + compression
    }
}
