import ArgumentParser
import Foundation
import RevoCore
import RevoScenarios
import Synchronization

/// `revo run`: runs scenarios (in sim mode, or live against real servers), judges them, writes the reports, exits
/// with the verdict.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenarios on the deterministic simulation (or live, for real) and write reports.",
        discussion: """
            Exit codes: 0 all passed, 1 a check failed, 2 unknown (a fault never fired or a check had no data), \
            3 nondeterminism detected (--check-determinism), 64 invalid scenario or usage, 70 internal error.
            --mode live runs each scenario against a real revo serve with PostgreSQL and Redis behind fault proxies, \
            one after another, on the wall clock; without --postgres / --redis it starts throwaway servers on free \
            loopback ports (postgresql and redis-server from ci/setup) and removes them afterwards.
            """
    )

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case sim
        case live
    }

    @Option(help: "sim (deterministic simulation, the default) or live (real server, PostgreSQL, Redis, fault proxies).")
    var mode = Mode.sim

    @Option(help: "Live mode: a PostgreSQL to use (postgres://user@host:port/db) instead of a throwaway one.")
    var postgres: String?

    @Option(help: "Live mode: a Redis to use (redis://host:port/db) instead of a throwaway one.")
    var redis: String?

    @Option(help: "Live mode: multiplies each scenario's timeline (0.1 runs 10 minutes in 1); the server's timers stay real time.")
    var timeScale = 1.0

    @Option(
        help:
            "Live mode: drive this running server (http://host:port) instead of starting one; no fault is applied to it (each says so and never fires)."
    )
    var serve: String?

    @Argument(help: "Scenario files or folders of them.")
    var paths: [String] = ["Scenarios"]

    @Option(help: "Run every scenario with this seed instead of its own.")
    var seed: UInt64?

    @Option(help: "Scenarios run at once, each on its own simulation (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Run only shard i of n (1-based), e.g. 2/4: scenarios are dealt round-robin in file order.")
    var shard: String?

    @Option(help: "Where to write the reports (default: Reports/<date>-<time>).")
    var out: String?

    @Option(
        help:
            "Judge the simulation budgets of this budget file (e.g. budgets.yaml) on the run: their figures go to budgets.json and budgets.md beside the reports, and one past its limit fails the run (exit 1)."
    )
    var budgets: String?

    @Flag(help: "Run each scenario twice and compare the digests and reports (exit 3 when they differ).")
    var checkDeterminism = false

    @Flag(help: "Start no further scenario once one has failed (k6's abort on fail); the others are reported as not run.")
    var failFast = false

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
        case markdown
        case junit
    }

    @Option(
        help:
            "What standard output carries at the end: text, json (report.json), markdown (summary.md) or junit (junit.xml). Progress goes to standard error unless text."
    )
    var format = Format.text

    func validate() throws {
        guard (1...256).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 256, got \(jobs)") }
        if let shard { _ = try Shard(parsing: shard) }
        guard timeScale > 0, timeScale <= 1 else { throw ValidationError("--time-scale must be in (0, 1], got \(timeScale)") }
        if mode == .sim, postgres != nil || redis != nil || timeScale != 1 || serve != nil {
            throw ValidationError("--postgres, --redis, --serve and --time-scale apply to --mode live only")
        }
        if let serve, !(serve.hasPrefix("http://") || serve.hasPrefix("https://")) {
            throw ValidationError("--serve must be the server's base URL, e.g. http://127.0.0.1:8000, got '\(serve)'")
        }
        if serve != nil, redis != nil { throw ValidationError("--redis has no use with --serve: the running server has its own cache") }
        if mode == .live, budgets != nil {
            throw ValidationError("--budgets applies to --mode sim only: live figures carry the machine's noise (see docs/budgets.md)")
        }
        if mode == .live, checkDeterminism { throw ValidationError("--check-determinism applies to --mode sim only: live runs are wall-clock") }
    }

    func run() throws {
        let selected = try selectScenarios()
        let simulationBudgets = try loadBudgets(for: selected)
        let started = Date()
        let clock = ContinuousClock()
        let begin = clock.now
        let directory = out ?? "Reports/" + Self.folderName(started)
        let outcomes = mode == .live ? runLive(selected, out: directory) : runSimulated(selected, budgets: simulationBudgets)
        let results = selected.indices.compactMap { outcomes[$0] }
        let notRun = selected.indices.filter { outcomes[$0] == nil }.map { selected[$0].name }
        let wall = begin.duration(to: clock.now)
        let runReport = report(results, started: started, wall: wall)
        do {
            try ReportWriter.write(runReport, to: directory)
        } catch {
            printError("revo run: cannot write reports to \(directory): \(error)")
            throw ExitCode.internalError
        }
        try printSummary(runReport, results: results, notRun: notRun, wall: wall, directory: directory)
        let budgetVerdict = try simulationBudgets.map { try judgeBudgets($0, results: results, scenarios: selected, directory: directory) }
        if !notRun.isEmpty { throw ExitCode.checkFailed }
        if results.contains(where: { $0.failure != nil && !$0.nondeterministic }) { throw ExitCode.internalError }
        if results.contains(where: \.nondeterministic) { throw ExitCode.nondeterminism }
        switch max(runReport.verdict, budgetVerdict ?? .pass) {
        case .pass: return
        case .fail: throw ExitCode.checkFailed
        case .unknown: throw ExitCode.unknown
        }
    }

    /// The scenarios of `paths` this run takes: live-only ones left out of a simulation (and said so), then the shard.
    private func selectScenarios() throws -> [Scenario] {
        var scenarios = try loadScenarios(paths)
        if mode == .sim {
            // Live-only scenarios send real HTTP requests: the simulation leaves them out, and says so.
            let liveOnly = scenarios.filter(\.liveOnly)
            if !liveOnly.isEmpty {
                printError("revo run: left out (mode: live; run them with --mode live): \(liveOnly.map(\.name).joined(separator: ", "))")
                scenarios.removeAll(where: \.liveOnly)
                guard !scenarios.isEmpty else { throw ExitCode.usage }
            }
        }
        let selected = try shard.map { try Shard(parsing: $0).select(scenarios) } ?? scenarios
        guard !selected.isEmpty else {
            printError("revo run: no scenario in this shard")
            throw ExitCode.unknown
        }
        return selected
    }

    /// One at a time: each live run owns the machine's ports, processes and timing. Outcomes by scenario index; a
    /// scenario left out by `--fail-fast` has none.
    private func runLive(_ selected: [Scenario], out directory: String) -> [Int: ScenarioOutcome] {
        let progress = Progress(total: selected.count, toStandardError: format != .text)
        let live = LiveOptions(postgres: postgres, redis: redis, timeScale: timeScale, serve: serve, out: directory)
        var outcomes: [Int: ScenarioOutcome] = [:]
        var failed = false
        for (index, scenario) in selected.enumerated() where !(failFast && failed) {
            let outcome = live.run(scenario, seed: seed)
            if outcome.failure != nil || outcome.report?.verdict == .fail { failed = true }
            outcomes[index] = outcome
            progress.finished(outcome)
        }
        return outcomes
    }

    /// `--jobs` workers taking the scenarios longest first (by expected requests), so a day-long soak does not start
    /// last and run alone.
    private func runSimulated(_ selected: [Scenario], budgets: SimulationBudgets?) -> [Int: ScenarioOutcome] {
        let progress = Progress(total: selected.count, toStandardError: format != .text)
        let failed = Mutex(false)
        let outcomes = Mutex<[Int: ScenarioOutcome]>([:])
        let order = selected.indices.sorted { (-Self.cost(selected[$0]), $0) < (-Self.cost(selected[$1]), $1) }
        let next = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: min(jobs, selected.count)) { _ in
            while true {
                let position = next.withLock { n in
                    defer { n += 1 }
                    return n
                }
                guard position < order.count else { return }
                let index = order[position]
                if failFast, failed.withLock({ $0 }) { continue }
                let outcome = ScenarioOutcome.run(selected[index], seed: seed, twice: checkDeterminism, budgets: budgets)
                if outcome.failure != nil || outcome.report?.verdict == .fail { failed.withLock { $0 = true } }
                outcomes.withLock { $0[index] = outcome }
                progress.finished(outcome)
            }
        }
        return outcomes.withLock { $0 }
    }

    private func report(_ results: [ScenarioOutcome], started: Date, wall: Duration) -> RunReport {
        RunReport(
            revo: RevoVersion.current,
            mode: mode.rawValue,
            scenarios: results.compactMap(\.report),
            run: .init(
                startedAt: ISO8601DateFormatter().string(from: started),
                wallSeconds: wall.seconds,
                jobs: mode == .live ? 1 : jobs,
                shard: shard,
                scenarios: results.compactMap { result in
                    result.report.map {
                        .init(scenario: $0.scenario, seed: $0.seed, wallSeconds: result.wall.seconds, compression: result.compression)
                    }
                }
            )
        )
    }

    /// The verdict, where the reports are, and for each scenario that did not pass why and how to reproduce it; in
    /// `--format` other than text the report itself goes to standard output and this to standard error.
    private func printSummary(_ runReport: RunReport, results: [ScenarioOutcome], notRun: [String], wall: Duration, directory: String) throws {
        var summary = [
            "\(runReport.scenarios.count) scenario(s): \(runReport.verdict.rawValue) in \(wall.formattedSeconds) wall; reports in \(directory)/ (open \(directory)/report.html)"
        ]
        if !notRun.isEmpty { summary.append("  not run (--fail-fast): \(notRun.joined(separator: ", "))") }
        for result in results where result.failure != nil || result.report?.verdict != .pass {
            if let failure = result.failure { summary.append("  \(result.scenario.name): \(failure)") }
            if let report = result.report {
                for reason in report.reasons { summary.append("  \(report.scenario): \(reason)") }
                summary.append("  reproduce: \(report.reproduce)")
            }
        }
        switch format {
        case .text:
            print(summary.joined(separator: "\n"))
        case .json:
            printError(summary.joined(separator: "\n"))
            print(try ReportWriter.json(runReport), terminator: "")
        case .markdown:
            printError(summary.joined(separator: "\n"))
            print(ReportWriter.markdown(runReport), terminator: "")
        case .junit:
            printError(summary.joined(separator: "\n"))
            print(ReportWriter.junit(runReport), terminator: "")
        }
    }

    /// Expected work of a scenario: its requests, plus a second's worth of background work per simulated second.
    static func cost(_ scenario: Scenario) -> Double {
        let seconds = scenario.duration.seconds
        let rate = (scenario.workload.rate + (scenario.workload.rampTo ?? scenario.workload.rate)) / 2
        return seconds * (rate + 1) + Double(scenario.workload.bursts.reduce(0) { $0 + $1.requests })
    }

    static func folderName(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }
}

/// Loads every scenario, reporting every broken file before giving up (exit 64).
func loadScenarios(_ paths: [String]) throws -> [Scenario] {
    let files: [String]
    do {
        files = try ScenarioLoader.scenarioFiles(in: paths)
    } catch {
        printError("\(error)")
        throw ExitCode.usage
    }
    guard !files.isEmpty else {
        printError("revo: no scenario files (*.yaml) in \(paths.joined(separator: ", "))")
        throw ExitCode.usage
    }
    var scenarios: [Scenario] = []
    var broken = 0
    for file in files {
        do {
            scenarios.append(try ScenarioLoader.load(file: file))
        } catch {
            printError("\(error)")
            broken += 1
        }
    }
    if broken > 0 {
        printError("revo: \(broken) invalid scenario file(s)")
        throw ExitCode.usage
    }
    return scenarios
}

/// `i/n`: which slice of a suite this machine runs.
struct Shard {
    var index: Int
    var count: Int

    init(parsing text: String) throws {
        let parts = text.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] >= 1, (1...parts[1]).contains(parts[0]) else {
            throw ValidationError("--shard must be i/n with 1 <= i <= n, got '\(text)'")
        }
        index = parts[0]
        count = parts[1]
    }

    func select<T>(_ items: [T]) -> [T] {
        items.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }
}
