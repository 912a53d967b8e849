import RevoRuntime
import Synchronization
import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Parallel Mind")
struct ParallelMindTests {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "worker blew up" }
    }

    /// Work that takes `duration` of clock time and echoes the task's description.
    static func sleeping(_ clock: SystemClock, _ duration: Duration) -> ParallelMindEngine.Work {
        { task in
            try await clock.sleep(for: duration)
            return "done: \(task.description)"
        }
    }

    @Test("tasks are taken by priority, then in submission order")
    func priorityOrder() throws {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let order = Mutex<[String]>([])
        let engine = ParallelMindEngine(settings: .init(minWorkers: 1, maxWorkers: 1), clock: clock) { task in
            order.withLock { $0.append(task.description) }
            try await clock.sleep(for: .seconds(1))
            return task.description
        }
        try runSimulation(sim) {
            engine.start(with: sim)
            let submissions = [("first", 5), ("low", 1), ("high", 9), ("mid-a", 5), ("mid-b", 5), ("top", 10)]
            let tasks = submissions.enumerated().map { index, item in
                sim.spawn("submit-\(index)") {
                    try? await engine.submit(ParallelTask(id: "t\(index)", description: item.0, priority: item.1))
                }
            }
            for task in tasks { _ = await task.value }
            engine.shutdown()
        }
        // "first" starts at once on the idle worker; the rest wait and go by priority.
        #expect(order.withLock { $0 } == ["first", "top", "high", "mid-a", "mid-b", "low"])
    }

    @Test("Parallel Mind scales 4 → 16 under a burst within 30 s of clock time, and back to 4 after it")
    func scalesUnderBurst() throws {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let engine = ParallelMindEngine(clock: clock, work: Self.sleeping(clock, .seconds(20)))
        let (atStart, at30s, results, settled) = try runSimulation(sim) {
            engine.start(with: sim)
            let atStart = engine.snapshot().workers
            let tasks = (0..<100).map { index in
                sim.spawn("submit-\(index)") {
                    try? await engine.submit(ParallelTask(id: "t\(index)", description: "job \(index)"))
                }
            }
            try await clock.sleep(for: .seconds(30))
            let at30s = engine.snapshot()
            var results: [ParallelTaskResult] = []
            for task in tasks { if let result = await task.value { results.append(result) } }
            try await clock.sleep(for: .seconds(600))
            let settled = engine.snapshot()
            engine.shutdown()
            return (atStart, at30s, results, settled)
        }
        #expect(atStart == 4)
        #expect(at30s.workers == 16)
        #expect(at30s.scaleEvents.first == .init(at: .seconds(10), from: 4, to: 16, load: 1, reason: "load 1.00 > 0.80"))
        #expect(results.count == 100 && results.allSatisfy(\.succeeded))
        #expect(settled.workers == 4)
        #expect(settled.statistics.peakWorkers == 16)
        #expect(settled.state == .active)
    }

    @Test("a failing task is retried 3 times, then reported failed with the last error")
    func retries() throws {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let calls = Mutex<[String: Int]>([:])
        let engine = ParallelMindEngine(clock: clock) { task in
            let count = calls.withLock { c in
                c[task.id, default: 0] += 1
                return c[task.id]!
            }
            if task.id == "flaky", count < 3 { throw Failure() }
            if task.id == "broken" { throw Failure() }
            return "ok"
        }
        let (flaky, broken) = try runSimulation(sim) {
            engine.start(with: sim)
            let flaky = try await engine.submit(ParallelTask(id: "flaky", description: "flaky"))
            let broken = try await engine.submit(ParallelTask(id: "broken", description: "broken"))
            engine.shutdown()
            return (flaky, broken)
        }
        #expect(flaky.succeeded && flaky.attempts == 3)
        #expect(!broken.succeeded && broken.attempts == 4)
        #expect(broken.error == "worker blew up")
        #expect(engine.snapshot().statistics.retries == 5)
    }

    @Test("a task that overruns its timeout fails with the reason")
    func taskTimeout() throws {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let engine = ParallelMindEngine(
            settings: .init(taskTimeout: .seconds(5), retries: 0),
            clock: clock,
            work: Self.sleeping(clock, .seconds(3600))
        )
        let result = try runSimulation(sim) {
            engine.start(with: sim)
            let result = try await engine.submit(ParallelTask(id: "slow", description: "slow"))
            engine.shutdown()
            return result
        }
        #expect(result.error == "timed out after 5.000s")
        #expect(result.latency == .seconds(5))
    }

    @Test("a worker retires after 5 failed tasks and is replaced to keep the minimum")
    func retireAfterErrors() throws {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let engine = ParallelMindEngine(settings: .init(minWorkers: 1, maxWorkers: 1, retries: 0), clock: clock) { _ in throw Failure() }
        let snapshot = try runSimulation(sim) {
            engine.start(with: sim)
            var workers: Set<Int> = []
            for index in 0..<7 {
                workers.insert(try await engine.submit(ParallelTask(id: "t\(index)", description: "doomed")).worker)
            }
            #expect(workers == [0, 1])
            let snapshot = engine.snapshot()
            engine.shutdown()
            return snapshot
        }
        #expect(snapshot.workers == 1)
        #expect(snapshot.statistics.workersRetiredForErrors == 1)
        #expect(snapshot.statistics.failed == 7)
    }

    @Test("no task reaches the engine before it starts or after it shuts down; queued tasks fail on shutdown")
    func readiness() throws {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let engine = ParallelMindEngine(settings: .init(minWorkers: 1, maxWorkers: 1), clock: clock, work: Self.sleeping(clock, .seconds(10)))
        let (before, queuedResult, after) = try runSimulation(sim) {
            let before = await Result(awaiting: { () async throws(ParallelMindError) in
                try await engine.submit(ParallelTask(id: "early", description: "x"))
            })
            engine.start(with: sim)
            let running = sim.spawn("running") { try? await engine.submit(ParallelTask(id: "a", description: "a")) }
            let queued = sim.spawn("queued") { try? await engine.submit(ParallelTask(id: "b", description: "b")) }
            try await clock.sleep(for: .seconds(1))
            engine.shutdown()
            let queuedResult = await queued.value
            _ = await running.value
            let after = await Result(awaiting: { () async throws(ParallelMindError) in
                try await engine.submit(ParallelTask(id: "late", description: "x"))
            })
            return (before.failure, queuedResult, after.failure)
        }
        #expect(before == .notReady(.initializing))
        #expect(queuedResult?.error == "engine shut down")
        #expect(after == .notReady(.shutdown))
    }

    @Test("a submitter that stops waiting gets its answer at once; its queued task is dropped, a running one not retried")
    func cancellation() throws {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let runs = Mutex<[String]>([])
        let engine = ParallelMindEngine(settings: .init(minWorkers: 1, maxWorkers: 1), clock: clock) { task in
            runs.withLock { $0.append(task.id) }
            try await clock.sleep(for: .seconds(10))
            throw Failure()
        }
        let (running, queued, at, snapshot) = try runSimulation(sim) {
            engine.start(with: sim)
            let running = sim.spawn("running") { try? await engine.submit(ParallelTask(id: "running", description: "r")) }
            let queued = sim.spawn("queued") { try? await engine.submit(ParallelTask(id: "queued", description: "q")) }
            try await clock.sleep(for: .seconds(1))
            running.cancel()
            queued.cancel()
            let results = (await running.value, await queued.value)
            let at = clock.now
            try await clock.sleep(for: .seconds(60))
            let snapshot = engine.snapshot()
            engine.shutdown()
            return (results.0, results.1, at, snapshot)
        }
        #expect(running?.error == "cancelled by the submitter")
        #expect(queued?.error == "cancelled by the submitter")
        #expect(at == .seconds(1))
        #expect(runs.withLock { $0 } == ["running"], "the queued task never ran; the running one was not retried")
        #expect(snapshot.queued == 0)
        #expect(snapshot.statistics.abandoned == 2)
    }

    @Test("the engine state machine allows only the documented transitions")
    func stateMachine() {
        var machine = EngineStateMachine()
        #expect(!machine.state.isReady)
        let steps: [(EngineState, Bool)] = [
            (.busy, false),  // initializing cannot become busy
            (.active, true),
            (.busy, true),
            (.degraded, true),
            (.error, true),
            (.active, false),  // an engine in error must reinitialise first
            (.initializing, true),
            (.shutdown, true),
            (.initializing, false),  // shutdown is final
        ]
        var outcomes: [Bool] = []
        var readiness: [Bool] = []
        for (next, _) in steps {
            outcomes.append(machine.move(to: next, reason: next == .degraded ? "store down" : nil))
            readiness.append(machine.state.isReady)
        }
        #expect(outcomes == steps.map(\.1))
        #expect(readiness == [false, true, true, true, false, false, false, false, false])
        #expect(machine.state == .shutdown)
    }
}
