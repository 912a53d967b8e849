import Dispatch
import Foundation
import Synchronization

/// A swarm run: many seeds of one or more spaces, each drawn into a plan and run on the simulation in parallel, the
/// first failing seed of each property shrunk, and the report and the scenario files written.
public struct Swarm: Sendable {
    public struct Options: Sendable {
        public var from: UInt64 = 1
        public var count = 100
        /// Run only seeds `i` of every `n` (1-based), so a CI matrix splits one range.
        public var shard: (index: Int, of: Int)?
        public var jobs = 1
        /// Start no seed after this long; the seeds left are counted as not run.
        public var timeBudget: Duration?
        /// Shrinking one failure stops after this long.
        public var shrinkBudget: Duration = .seconds(60)
        /// Start no seed once this many have failed.
        public var maxFailures: Int?
        /// Where the report and scenario files go; nil writes nothing.
        public var out: String?
        public var revo = ""
        /// How often ``Swarm/status`` is called while seeds run.
        public var statusInterval: Duration = .seconds(30)

        public init() {}
    }

    /// Where a run is: seeds done of all, how many failed, and for how long it has run.
    public struct Status: Sendable, Equatable {
        public var done: Int
        public var total: Int
        public var failures: Int
        public var elapsed: Duration

        /// `swarm 120/200 seeds · 1 failing · 42 s · about 28 s left`.
        public var line: String {
            let rate = elapsed.seconds > 0 ? Double(done) / elapsed.seconds : 0
            let left = rate > 0 ? " · about \(Int((Double(total - done) / rate).rounded())) s left" : ""
            return "swarm \(done)/\(total) seeds · \(failures) failing · \(Int(elapsed.seconds)) s\(left)"
        }
    }

    public let spaces: [SwarmSpace]
    public let options: Options
    /// Events worth a line of their own (a failing seed, a shrink).
    public let progress: @Sendable (String) -> Void
    /// Called every ``Options/statusInterval`` while seeds run, and once when they are done.
    public let status: @Sendable (Status) -> Void

    public init(
        spaces: [SwarmSpace],
        options: Options,
        progress: @escaping @Sendable (String) -> Void = { _ in },
        status: @escaping @Sendable (Status) -> Void = { _ in }
    ) {
        self.spaces = spaces
        self.options = options
        self.progress = progress
        self.status = status
    }

    /// The seeds this machine runs, space by space.
    var work: [(space: SwarmSpace, seed: UInt64)] {
        let seeds = (0..<UInt64(options.count)).map { options.from + $0 }.filter { seed in
            options.shard.map { Int((seed - options.from) % UInt64($0.of)) == $0.index - 1 } ?? true
        }
        return spaces.flatMap { space in seeds.map { (space, $0) } }
    }

    public func run() throws(SwarmRunner.Failure) -> (report: SwarmReport, outcomes: [SwarmRunner.Outcome]) {
        let clock = ContinuousClock()
        let start = clock.now
        let (outcomes, notRun) = try runSeeds(clock: clock, start: start)
        var failures: [SwarmReport.Failure] = []
        var shrunkProperties: [SwarmProperty] = []
        for outcome in outcomes where outcome.failed {
            let space = spaces.first { $0.name == outcome.plan.space }!
            var failure = SwarmReport.Failure(
                seed: outcome.plan.seed,
                space: space.name,
                violations: outcome.violations,
                file: try write(outcome.plan, name: "seed-\(outcome.plan.seed)", note: "seed \(outcome.plan.seed) of \(space.file)"),
                reproduce: "revo swarm \(space.file) --from \(outcome.plan.seed) --seeds 1"
            )
            // The first failing seed of each property is shrunk; the others keep their seed's command.
            if let property = outcome.violations.map(\.property).first(where: { !shrunkProperties.contains($0) }) {
                shrunkProperties.append(property)
                failure.shrunk = try shrink(outcome, property: property, space: space, clock: clock)
            }
            failures.append(failure)
        }
        let wall = start.duration(to: clock.now).seconds
        let report = SwarmReport(
            revo: options.revo,
            spaces: spaces.map(\.file),
            from: options.from,
            count: options.count,
            shard: options.shard.map { "\($0.index)/\($0.of)" },
            seedsRun: outcomes.count,
            failed: failures.count,
            notRun: notRun,
            requests: outcomes.reduce(0) { $0 + $1.requests },
            failuresByProperty: SwarmReport.byProperty(outcomes),
            failures: failures,
            faultKinds: SwarmReport.faultRows(outcomes),
            unrecoverable: outcomes.compactMap { outcome in outcome.unrecoverable.map { .init(seed: outcome.plan.seed, reason: $0) } },
            wallSeconds: wall,
            seedsPerMinute: wall > 0 ? Double(outcomes.count) * 60 / wall : 0
        )
        if let out = options.out {
            do { try SwarmReportWriter.write(report, to: out) } catch { progress("cannot write the swarm report to \(out): \(error)") }
        }
        return (report, outcomes)
    }

    /// Every seed of the work list, `jobs` at a time, in seed order in the result.
    private func runSeeds(clock: ContinuousClock, start: ContinuousClock.Instant) throws(SwarmRunner.Failure) -> ([SwarmRunner.Outcome], Int) {
        let work = self.work
        let results = Mutex<[Int: Result<SwarmRunner.Outcome, SwarmRunner.Failure>]>([:])
        let next = Mutex(0)
        let failed = Mutex(0)
        let lastStatus = Mutex(start)
        DispatchQueue.concurrentPerform(iterations: max(1, min(options.jobs, work.count))) { _ in
            while true {
                let index = next.withLock { n in
                    defer { n += 1 }
                    return n
                }
                guard index < work.count else { return }
                if let budget = options.timeBudget, start.duration(to: clock.now) > budget { return }
                if let limit = options.maxFailures, failed.withLock({ $0 }) >= limit { return }
                let item = work[index]
                let result = Result { () throws(SwarmRunner.Failure) in try SwarmRunner().run(item.space.plan(seed: item.seed)) }
                if case .success(let outcome) = result, outcome.failed {
                    failed.withLock { $0 += 1 }
                    progress("seed \(item.seed) (\(item.space.name)) fails \(outcome.violations.map(\.property.rawValue).joined(separator: ", "))")
                }
                let done = results.withLock { all in
                    all[index] = result
                    return all.count
                }
                let now = clock.now
                let due = lastStatus.withLock { last in
                    guard last.duration(to: now) >= options.statusInterval || done == work.count else { return false }
                    last = now
                    return true
                }
                if due {
                    status(Status(done: done, total: work.count, failures: failed.withLock { $0 }, elapsed: start.duration(to: now)))
                }
            }
        }
        let all = results.withLock { $0 }
        var outcomes: [SwarmRunner.Outcome] = []
        for index in work.indices {
            guard let result = all[index] else { continue }
            outcomes.append(try result.get())
        }
        return (outcomes, work.count - all.count)
    }

    private func shrink(
        _ outcome: SwarmRunner.Outcome,
        property: SwarmProperty,
        space: SwarmSpace,
        clock: ContinuousClock
    ) throws(SwarmRunner.Failure)
        -> SwarmReport.Shrunk
    {
        let begin = clock.now
        let budget = options.shrinkBudget
        progress("shrinking seed \(outcome.plan.seed) on \(property.rawValue) (at most \(budget.formattedSeconds))")
        let shrinker = Shrinker(outOfTime: { begin.duration(to: clock.now) > budget }, progress: progress)
        let result = try shrinker.shrink(outcome, keeping: property)
        let name = "repro-\(property.rawValue)-\(outcome.plan.seed)"
        let note = "seed \(outcome.plan.seed) of \(space.file), shrunk by revo swarm: fails \(property.rawValue)"
        let file = try write(result.plan, name: name, note: note)
        return SwarmReport.Shrunk(
            property: property,
            file: file ?? name + ".yaml",
            reproduce: "revo run \(file ?? name + ".yaml")",
            faults: result.plan.faults.count,
            durationSeconds: result.plan.durationSeconds,
            rate: result.plan.rate,
            tried: result.tried,
            kept: result.kept,
            cutShort: result.cutShort
        )
    }

    /// Writes a plan as a scenario file into the output folder; its path, or nil when there is no folder.
    private func write(_ plan: SwarmPlan, name: String, note: String) throws(SwarmRunner.Failure) -> String? {
        guard let out = options.out else { return nil }
        let path = (out as NSString).appendingPathComponent(name + ".yaml")
        let text = "# Reproduce: revo run \(path)\n" + plan.scenarioYAML(name: SwarmFormat.scenarioName(name), note: note)
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            progress("cannot write \(path): \(error)")
            return nil
        }
        return path
    }
}
