import ArgumentParser
import RevoBenchmarks
import RevoCore
import RevoSim

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `revo selftest`: proves the deterministic runtime on this machine and measures it.
struct SelfTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Run a built-in concurrent workload twice on the simulation runtime; print both digests and the throughput.",
        discussion: """
            Each run starts TASKS tasks that sleep in virtual time, hop between shared actors and race timeouts, \
            all on one deterministic executor. Both runs must produce the same digest; if they do not, the \
            command exits 3 (nondeterminism).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Option(help: "Number of concurrent simulated tasks per run.")
    var tasks = 100_000

    @Option(help: "Seed of the workload's random choices.")
    var seed: UInt64 = 42

    @Flag(help: "Also measure the executor's raw jobs/s and timers/s (about a second in a release build).")
    var benchmark = false

    @Option(help: "Output format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format = Format.text

    func validate() throws {
        guard (1...10_000_000).contains(tasks) else {
            throw ValidationError("--tasks must be between 1 and 10000000, got \(tasks)")
        }
    }

    func run() throws {
        let workload = SelfTestWorkload(tasks: tasks, seed: seed)
        let clock = ContinuousClock()
        var runs: [(result: SelfTestWorkload.Result, wall: Duration)] = []
        for _ in 0..<2 {
            let start = clock.now
            let result: SelfTestWorkload.Result
            do {
                result = try workload.run()
            } catch {
                printError("revo selftest: \(error)")
                throw ExitCode.internalError
            }
            runs.append((result, start.duration(to: clock.now)))
        }
        let deterministic = runs[0].result == runs[1].result
        var micro: ExecutorBenchmark.Result?
        if benchmark {
            do {
                micro = try ExecutorBenchmark().run(measuredBy: clock)
            } catch {
                printError("revo selftest: executor benchmark: \(error)")
                throw ExitCode.internalError
            }
        }
        switch format {
        case .text: printText(runs, micro: micro, deterministic: deterministic)
        case .json: try printJSON(runs, micro: micro, deterministic: deterministic)
        }
        if !deterministic { throw ExitCode.nondeterminism }
    }

    private func printText(
        _ runs: [(result: SelfTestWorkload.Result, wall: Duration)],
        micro: ExecutorBenchmark.Result?,
        deterministic: Bool
    ) {
        print("revo selftest: \(tasks) tasks, seed \(seed)")
        for (index, run) in runs.enumerated() {
            let s = run.result.statistics
            let seconds = run.wall.seconds
            print(
                "run \(index + 1): digest \(run.result.digest)  jobs \(s.jobsRun)  timers \(s.timersFired)  "
                    + "timeouts \(run.result.timeouts)  virtual \(s.virtualTime.formattedSeconds)  wall \(run.wall.formattedSeconds)  "
                    + "\(rate(s.jobsRun, seconds)) jobs/s  \(rate(s.timersFired, seconds)) timers/s  \(rate(s.tasksFinished, seconds)) tasks/s"
            )
            if s.foreignEnqueues > 0 {
                print("  warning: \(s.foreignEnqueues) job(s) arrived from outside the simulation thread")
            }
        }
        if let micro {
            print(
                "executor: \(micro.jobs) jobs in \(micro.jobsWall.formattedSeconds) = \(Int(micro.jobsPerSecond)) jobs/s; "
                    + "\(micro.timers) timers in \(micro.timersWall.formattedSeconds) = \(Int(micro.timersPerSecond)) timers/s"
            )
        }
        print(deterministic ? "digests match: deterministic" : "DIGESTS DIFFER: nondeterminism detected")
    }

    private func printJSON(
        _ runs: [(result: SelfTestWorkload.Result, wall: Duration)],
        micro: ExecutorBenchmark.Result?,
        deterministic: Bool
    ) throws {
        struct Run: Encodable {
            var digest: String
            var jobs: Int
            var timers: Int
            var tasks: Int
            var timeouts: Int
            var traceEvents: Int
            var foreignEnqueues: Int
            var virtualSeconds: Double
            var wallSeconds: Double
            var jobsPerSecond: Double
            var timersPerSecond: Double
        }
        struct Executor: Encodable {
            var jobsPerSecond: Double
            var timersPerSecond: Double
        }
        struct Output: Encodable {
            var tasks: Int
            var seed: UInt64
            var deterministic: Bool
            var runs: [Run]
            var executor: Executor?
        }
        let output = Output(
            tasks: tasks,
            seed: seed,
            deterministic: deterministic,
            runs: runs.map { run in
                let s = run.result.statistics
                let seconds = run.wall.seconds
                return Run(
                    digest: run.result.digest,
                    jobs: s.jobsRun,
                    timers: s.timersFired,
                    tasks: s.tasksFinished,
                    timeouts: run.result.timeouts,
                    traceEvents: run.result.traceEvents,
                    foreignEnqueues: s.foreignEnqueues,
                    virtualSeconds: s.virtualTime.seconds,
                    wallSeconds: seconds,
                    jobsPerSecond: seconds > 0 ? Double(s.jobsRun) / seconds : 0,
                    timersPerSecond: seconds > 0 ? Double(s.timersFired) / seconds : 0
                )
            },
            executor: micro.map { Executor(jobsPerSecond: $0.jobsPerSecond, timersPerSecond: $0.timersPerSecond) }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(output), as: UTF8.self))
    }

    private func rate(_ count: Int, _ seconds: Double) -> String {
        guard seconds > 0 else { return "-" }
        return String(Int((Double(count) / seconds).rounded()))
    }
}
