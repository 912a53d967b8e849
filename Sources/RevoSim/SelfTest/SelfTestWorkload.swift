import RevoCore
import RevoRuntime

/// A built-in concurrent workload that exercises everything the runtime promises: many unstructured tasks,
/// virtual sleeps with equal and distinct deadlines, hops onto shared actors, a timeout race, and seeded choices.
///
/// Each task sleeps, hops to a randomly chosen ``Tally`` actor, sleeps again, hops to another, and every few tasks
/// race an operation against `withTimeout`. The tallies fold the order in which tasks reached them into their own
/// hash, so any change in interleaving changes the digest.
public struct SelfTestWorkload: Sendable {
    public var tasks: Int
    public var seed: UInt64
    public var tallies: Int

    public init(tasks: Int = 100_000, seed: UInt64 = 42, tallies: Int = 16) {
        precondition(tasks > 0 && tallies > 0, "the self-test needs at least one task and one tally")
        self.tasks = tasks
        self.seed = seed
        self.tallies = tallies
    }

    /// What one run produced.
    public struct Result: Sendable, Equatable {
        /// Trace digest combined with every tally's arrival-order hash.
        public var digest: String
        public var statistics: SimulationStatistics
        public var traceEvents: Int
        public var timeouts: Int
    }

    /// Runs the workload on a fresh ``SimulationExecutor`` on the calling thread.
    public func run() throws(SimulationError) -> Result {
        let sim = SimulationExecutor(traceCapacity: 0)
        let clock = sim.clock
        let tallies = (0..<tallies).map { Tally(index: $0) }
        let random = SeededRandom(seed: seed)
        var plan = random.split("selftest.plan")
        let timeouts = Tally(index: -1)

        for index in 0..<tasks {
            // Coarse 1 ms buckets make many deadlines equal, so tie-breaking by insertion order is exercised.
            let firstSleep = Duration.milliseconds(Int64(plan.next() % 1_000))
            let secondSleep = Duration.milliseconds(Int64(plan.next() % 250))
            let first = tallies[Int(plan.next() % UInt64(tallies.count))]
            let second = tallies[Int(plan.next() % UInt64(tallies.count))]
            let races = index % 10 == 0
            sim.spawn("worker-\(index)") {
                try await clock.sleep(for: firstSleep)
                await first.arrive(index)
                if races {
                    do {
                        try await withTimeout(after: .milliseconds(100), clock: clock) {
                            try await clock.sleep(for: secondSleep)
                        }
                    } catch is TimeoutError {
                        await timeouts.arrive(index)
                    }
                } else {
                    try await clock.sleep(for: secondSleep)
                }
                await second.arrive(index)
                sim.record("done \(index)")
            }
        }
        try sim.run()

        let trace = sim.trace
        var digest = StableHash()
        digest.combine(trace.digest)
        let hashes = (tallies + [timeouts]).map { $0.snapshot() }
        for hash in hashes { digest.combine(hash.hash) }
        return Result(
            digest: digest.hex,
            statistics: sim.statistics,
            traceEvents: trace.count,
            timeouts: hashes.last?.count ?? 0
        )
    }
}
