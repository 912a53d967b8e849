import ArgumentParser
import Foundation
import RevoCore
import RevoScenarios

/// `revo swarm`: random fault mixes over many seeds, properties judged on each, failures shrunk to scenario files.
struct SwarmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarm",
        abstract: "Run random fault mixes over many seeds; shrink each failure to a small scenario file.",
        discussion: """
            Each seed draws a plan from a swarm space (Scenarios/swarm/*.yaml): a random subset of its fault kinds on, \
            placed, sized and weighted within its bounds, and a workload within its bounds. Every seed is judged on \
            the same properties (no lost write, no duplicate, consistent streams, well-formed errors, no 5xx for bad \
            input, upstream budget, deadline, and recovery once every fault has cleared). The first failing seed of \
            each property is shrunk to a minimal scenario that fails the same property, written as \
            repro-<property>-<seed>.yaml with the revo run command that reproduces it.
            Exit codes: 0 no failure, 1 a property failed, 64 invalid space or usage, 70 internal error.
            """
    )

    @Argument(help: "Swarm space files or folders of them.")
    var paths: [String] = ["Scenarios/swarm/default.yaml"]

    @Option(help: "Seeds to run.")
    var seeds = 100

    @Option(help: "The first seed.")
    var from: UInt64 = 1

    @Option(help: "Run only shard i of n (1-based), e.g. 2/4: seeds are dealt round-robin.")
    var shard: String?

    @Option(help: "Start no seed after this long (e.g. 5m); the rest are reported as not run.")
    var timeBudget: String?

    @Option(help: "Shrinking one failure stops after this long.")
    var shrinkBudget = "60s"

    @Option(help: "Start no seed once this many have failed.")
    var maxFailures: Int?

    @Option(help: "Seeds run at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Where to write swarm.json, swarm.md, swarm.html and the scenario files (default: Reports/swarm-<date>-<time>).")
    var out: String?

    func validate() throws {
        guard (1...10_000_000).contains(seeds) else { throw ValidationError("--seeds must be between 1 and 10000000, got \(seeds)") }
        guard (1...256).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 256, got \(jobs)") }
        if let shard { _ = try Shard(parsing: shard) }
        if let maxFailures, maxFailures < 1 { throw ValidationError("--max-failures must be at least 1, got \(maxFailures)") }
        _ = try Self.duration(timeBudget, option: "--time-budget")
        _ = try Self.duration(shrinkBudget, option: "--shrink-budget")
    }

    func run() throws {
        let spaces = try loadSpaces()
        var options = Swarm.Options()
        options.from = from
        options.count = seeds
        options.shard = try shard.map { text in
            let parsed = try Shard(parsing: text)
            return (parsed.index, parsed.count)
        }
        options.jobs = jobs
        options.timeBudget = try Self.duration(timeBudget, option: "--time-budget")
        options.shrinkBudget = try Self.duration(shrinkBudget, option: "--shrink-budget") ?? .seconds(60)
        options.maxFailures = maxFailures
        options.out = out ?? "Reports/swarm-" + RunCommand.folderName(Date())
        options.revo = RevoVersion.current
        // A terminal sees the count move every second; a CI log gets a line every 30 s.
        options.statusInterval = StatusLine.shared.terminal ? .seconds(1) : StatusLine.interval
        let swarm = Swarm(
            spaces: spaces,
            options: options,
            progress: { message in
                StatusLine.shared.clear()
                printError("revo swarm: \(message)")
            },
            status: { StatusLine.shared.update("swarm", $0.line) }
        )
        let report: SwarmReport
        do {
            report = try swarm.run().report
            StatusLine.shared.finish("swarm")
        } catch {
            StatusLine.shared.finish("swarm")
            printError("revo swarm: \(error)")
            throw ExitCode.internalError
        }
        print(SwarmReportWriter.summary(report))
        for failure in report.failures {
            print("  seed \(failure.seed): \(failure.violations.map { "\($0.property.rawValue) (\($0.observed))" }.joined(separator: "; "))")
            print("    rerun: \(failure.reproduce)")
            if let shrunk = failure.shrunk { print("    shrunk to \(shrunk.faults) fault(s): \(shrunk.reproduce)") }
        }
        print("report: \(options.out ?? "")/swarm.html")
        if !report.passed { throw ExitCode.checkFailed }
    }

    private func loadSpaces() throws -> [SwarmSpace] {
        let files: [String]
        do {
            files = try ScenarioLoader.scenarioFiles(in: paths)
        } catch {
            printError("\(error)")
            throw ExitCode.usage
        }
        var spaces: [SwarmSpace] = []
        for file in files {
            do {
                spaces.append(try SwarmSpaceLoader.load(file: file))
            } catch {
                printError("\(error)")
            }
        }
        guard spaces.count == files.count, !spaces.isEmpty else {
            printError(
                "revo swarm: \(files.isEmpty ? "no swarm space files (*.yaml) in \(paths.joined(separator: ", "))" : "invalid swarm space file(s)")"
            )
            throw ExitCode.usage
        }
        return spaces
    }

    static func duration(_ text: String?, option: String) throws -> Duration? {
        guard let text else { return nil }
        guard let value = ScenarioLoader.duration(text), value > .zero else {
            throw ValidationError("\(option) must be a duration such as 90s or 5m, got '\(text)'")
        }
        return value
    }
}
