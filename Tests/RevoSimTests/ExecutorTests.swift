import RevoBenchmarks
import Testing

@testable import RevoSim

@Suite("Simulation executor")
struct ExecutorTests {
    actor Account {
        var balance = 0
        func deposit(_ amount: Int, on sim: SimulationExecutor) -> Bool {
            balance += amount
            return sim.isCurrent
        }
    }

    @Test("actors, child tasks and preferred unstructured tasks all run on the one executor")
    func everythingRunsOnTheExecutor() throws {
        let placements = try simulate { sim in
            var placements: [String: Bool] = [:]
            placements["root"] = sim.isCurrent
            placements["actor"] = await Account().deposit(1, on: sim)
            async let child = sim.isCurrent
            placements["async let"] = await child
            placements["task group"] = await withTaskGroup(of: Bool.self) { group in
                group.addTask { sim.isCurrent }
                return await group.next() ?? false
            }
            placements["unstructured"] = await Task(executorPreference: sim) { sim.isCurrent }.value
            placements["unstructured, no preference"] = await Task { sim.isCurrent }.value
            placements["spawned"] = await sim.spawn("nested") { sim.isCurrent }.value
            return placements
        }
        #expect(placements.count == 7)
        #expect(placements.values.allSatisfy { $0 }, "not on the simulation thread: \(placements.filter { !$0.value }.keys.sorted())")
    }

    /// An actor whose serial executor is the simulation itself (rather than a default actor).
    actor Pinned {
        let sim: SimulationExecutor
        var calls = 0

        init(sim: SimulationExecutor) {
            self.sim = sim
        }

        nonisolated var unownedExecutor: UnownedSerialExecutor {
            sim.asUnownedSerialExecutor()
        }

        func call() -> Int {
            calls += 1
            return calls
        }

        nonisolated func callsAssumingIsolation() -> Int {
            assumeIsolated { $0.calls }
        }
    }

    @Test("an actor pinned to the executor as its serial executor runs there and can assume isolation")
    func pinnedActor() throws {
        let (count, assumed, jobs) = try simulate { sim in
            let pinned = Pinned(sim: sim)
            var count = 0
            for _ in 0..<3 { count = await pinned.call() }
            return (count, pinned.callsAssumingIsolation(), sim.statistics.jobsRun)
        }
        #expect(count == 3)
        #expect(assumed == 3)
        #expect(jobs < 20, "hops onto the pinned actor must not loop")
    }

    @Test("a pure simulated workload enqueues nothing from other threads")
    func noForeignJobs() throws {
        let sim = SimulationExecutor()
        let account = Account()
        for index in 0..<200 {
            sim.spawn("depositor-\(index)") {
                try await sim.clock.sleep(for: .milliseconds(index % 7))
                _ = await account.deposit(index, on: sim)
            }
        }
        try sim.run()
        let statistics = sim.statistics
        #expect(statistics.foreignEnqueues == 0)
        #expect(statistics.tasksSpawned == 200)
        #expect(statistics.tasksFinished == 200)
    }

    @Test("a spawned task resumed from another thread runs in its simulation; other threads' tasks do not")
    func resumedFromOutside() async throws {
        let sim = SimulationExecutor()
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let spawned = sim.spawn("waits-for-outside") { () -> [Bool] in
            var placements: [Bool] = []
            for await _ in stream { placements.append(sim.isCurrent) }
            return placements
        }
        #expect(throws: SimulationError.self) { try sim.run() }
        // Resumed from this test's thread, outside the simulation: the job waits for the next run.
        continuation.yield(1)
        continuation.finish()
        #expect(try sim.run() == .idle)
        #expect(await spawned.value == [true])
        #expect(await Task { sim.isCurrent }.value == false)
    }

    @Test("stall detection names the task that can never finish")
    func stallNamesTheStuckTask() throws {
        let sim = SimulationExecutor()
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        sim.spawn("waits-forever") {
            for await _ in stream {}
        }
        sim.spawn("finishes") {
            try await sim.clock.sleep(for: .seconds(1))
        }
        #expect {
            try sim.run()
        } throws: { error in
            guard case .stalled(let at, let parked) = error as? SimulationError else { return false }
            return at == .zero.advanced(by: .seconds(1)) && parked.map(\.name) == ["waits-forever"]
                && "\(error)".contains("#1 waits-forever")
        }
        // Release the stuck task so nothing outlives the test.
        continuation.finish()
        #expect(try sim.run() == .idle)
    }

    @Test("run() reports idle when every task finished")
    func idleWhenDone() throws {
        let sim = SimulationExecutor()
        sim.spawn("quick") {}
        #expect(try sim.run() == .idle)
        #expect(sim.statistics.unfinishedTasks == 0)
    }

    @Test("the executor benchmark counts every job and every timer it ran")
    func benchmarkCounts() throws {
        let benchmark = ExecutorBenchmark(tasks: 10, yieldsPerTask: 50, sleepsPerTask: 20)
        let result = try benchmark.run(measuredBy: ContinuousClock())
        // How many jobs one yield takes is the Swift runtime's business (two on 6.3); it is at least one, and fixed.
        #expect(result.jobs > 10 * 50)
        #expect(try benchmark.run(measuredBy: ContinuousClock()).jobs == result.jobs)
        #expect(result.timers == 10 * 20)
    }
}
