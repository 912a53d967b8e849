import RevoRuntime
import Synchronization
import Testing

@testable import RevoCore
@testable import RevoSim

/// Text that differs by prompt: a stand-in for a model, with modelled latency.
private func fakeModel(_ clock: SystemClock, latency: Duration = .seconds(1)) -> CreativeEngine.Generator {
    { prompt in
        try await clock.sleep(for: latency)
        let hash = StableHash.of(prompt)
        let words = (0..<(12 + Int(hash % 30))).map { "w\((hash >> UInt64($0 % 48)) % 997)" }
        return words.joined(separator: " ")
    }
}

@Suite("Creative engine")
struct CreativeEngineTests {
    @Test("innovation level picks 2, 3 or 6 techniques")
    func techniqueCounts() {
        #expect((1...10).map { CreativeEngine.techniqueCount(innovationLevel: $0) } == [2, 2, 2, 3, 3, 3, 3, 6, 6, 6])
    }

    @Test("3–5 distinct solutions, scores computed from the solutions, reproducible from the seed")
    func solutions() throws {
        func solve(seed: UInt64) throws -> CreativeEngine.Result {
            let sim = SimulationExecutor()
            let clock = SystemClock(sim.clock)
            let engine = CreativeEngine(generator: fakeModel(clock), random: RandomSource(seed: seed), clock: clock)
            return try runSimulation(sim) {
                engine.start()
                return try await engine.solve("design a cache that survives restarts", innovationLevel: 8)
            }
        }
        let result = try solve(seed: 3)
        #expect((3...5).contains(result.solutions.count))
        #expect(result.techniques.count == 6)
        #expect(Set(result.solutions.map(\.text)).count == result.solutions.count)
        #expect(result.solutions.allSatisfy { (0...1).contains($0.novelty) && (0...1).contains($0.feasibility) })
        #expect(Set(result.solutions.map(\.novelty)).count > 1, "novelty differs per solution: it is computed, not a constant")
        #expect(result.diversity > 0 && result.diversity <= 2)
        #expect(result.generationTime == .seconds(result.solutions.count))
        #expect(try solve(seed: 3) == result)
        #expect(try solve(seed: 4).techniques != result.techniques)
    }

    @Test("near-duplicate solutions are regenerated; too few distinct ones is an error")
    func duplicates() throws {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let engine = CreativeEngine(generator: { _ in "always the same answer" }, random: RandomSource(seed: 1), clock: clock)
        let error = try runSimulation(sim) { () -> CreativeEngine.Failure? in
            engine.start()
            do throws(CreativeEngine.Failure) {
                _ = try await engine.solve("anything", count: 3)
                return nil
            } catch {
                return error
            }
        }
        #expect(error == .generationFailed("only 1 distinct solution(s) in 9 tries"))
    }
}

@Suite("Engine coordinator")
struct CoordinatorTests {
    struct Stack {
        let sim = SimulationExecutor()
        let clock: SystemClock
        let memory: MemoryFixture
        let parallel: ParallelMindEngine
        let creative: CreativeEngine
        let coordinator: EngineCoordinator

        init(parallelWork: ParallelMindEngine.Work? = nil, timeouts: EngineCoordinator.Timeouts = .init()) {
            memory = MemoryFixture()
            // The memory fixture brings its own simulation; every engine shares it.
            clock = memory.clock
            let clock = memory.clock
            parallel = ParallelMindEngine(
                clock: clock,
                work: parallelWork ?? { task in
                    try await clock.sleep(for: .seconds(2))
                    return "parallel did: \(task.description)"
                }
            )
            creative = CreativeEngine(generator: fakeModel(clock), random: RandomSource(seed: 9), clock: clock)
            coordinator = EngineCoordinator(recall: memory.engine, parallel: parallel, creative: creative, timeouts: timeouts, clock: clock)
        }

        func start() {
            memory.engine.start()
            parallel.start(with: memory.sim)
            creative.start()
        }

        func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
            try memory.run {
                let value = try await body()
                parallel.shutdown()
                return value
            }
        }
    }

    @Test("adaptive picks engines by the original's keywords; plain simple tasks go to Parallel Mind")
    func adaptiveSelection() {
        let stack = Stack()
        func engines(_ description: String, _ complexity: CoordinationRequest.Complexity = .moderate, required: [EngineKind] = []) -> [EngineKind] {
            stack.coordinator.engines(
                for: CoordinationRequest(taskID: "t", description: description, complexity: complexity, requiredEngines: required)
            )
        }
        #expect(engines("recall what we discussed") == [.perfectRecall])
        #expect(engines("run a batch of checks") == [.parallelMind])
        #expect(engines("design a novel logo") == [.creative])
        #expect(engines("remember and design") == [.perfectRecall, .creative])
        #expect(engines("summarise this") == [.parallelMind])
        #expect(engines("summarise this", .enterprise) == [.perfectRecall, .parallelMind, .creative])
        #expect(engines("design it", required: [.perfectRecall]) == [.perfectRecall, .creative])
    }

    @Test("sequential runs recall → parallel → creative, each passing its result on")
    func sequential() throws {
        let seen = Mutex<[String]>([])
        let stack = Stack(parallelWork: { task in
            seen.withLock { $0.append(task.input) }
            return "parallel result"
        })
        let response = try stack.run {
            stack.start()
            _ = try await stack.memory.engine.store(content: "the deploy uses blue green releases", type: "knowledge")
            return await stack.coordinator.execute(
                CoordinationRequest(taskID: "seq", description: "the deploy uses blue green releases", strategy: .sequential)
            )
        }
        #expect(response.engineResponses.map(\.engine) == [.perfectRecall, .parallelMind, .creative])
        #expect(response.engineResponses.allSatisfy { $0.success })
        #expect(seen.withLock { $0 } == ["the deploy uses blue green releases"], "parallel got recall's result as its input")
        #expect(response.primaryResult == "the deploy uses blue green releases")
    }

    @Test("one engine timing out leaves partial results with every engine's outcome")
    func partialResults() throws {
        let stack = Stack(
            parallelWork: { _ in
                try await ContinuousHang.forever()
                return ""
            },
            timeouts: .init(parallelMind: .seconds(10))
        )
        let response = try stack.run {
            stack.start()
            return await stack.coordinator.execute(
                CoordinationRequest(taskID: "p", description: "anything", complexity: .enterprise, strategy: .parallel)
            )
        }
        #expect(response.success)
        #expect(response.engineResponses.map(\.engine) == [.perfectRecall, .parallelMind, .creative])
        #expect(response.engineResponses.map(\.success) == [true, false, true])
        #expect(response.engineResponses[1].error == "timed out after 10.000s")
        #expect(response.engineResponses[1].executionTime == .seconds(10))
        #expect(response.totalExecutionTime == .seconds(10), "parallel strategy: the slowest engine bounds the total")
        #expect(response.primaryResult == "no matching memories")
    }

    @Test("no call reaches an engine that is not ready")
    func notReady() throws {
        let calls = Mutex(0)
        let stack = Stack(parallelWork: { _ in
            calls.withLock { $0 += 1 }
            return "x"
        })
        let response = try stack.run {
            stack.memory.engine.start()
            stack.creative.start()
            // Parallel Mind never started: still initializing.
            return await stack.coordinator.execute(CoordinationRequest(taskID: "n", description: "batch job", strategy: .adaptive))
        }
        #expect(!response.success)
        #expect(
            response.engineResponses == [
                EngineResponse(engine: .parallelMind, success: false, result: nil, error: "engine not ready (initializing)", executionTime: .zero)
            ]
        )
        #expect(calls.withLock { $0 } == 0)
        #expect(stack.coordinator.health().status == .degraded)
    }

    @Test("the task's own timeout bounds every engine")
    func taskTimeoutBounds() throws {
        let stack = Stack(parallelWork: { _ in
            try await ContinuousHang.forever()
            return ""
        })
        let response = try stack.run {
            stack.start()
            return await stack.coordinator.execute(
                CoordinationRequest(taskID: "t", description: "batch", requiredEngines: [.parallelMind], strategy: .parallel, timeout: .seconds(3))
            )
        }
        #expect(response.engineResponses.first?.error == "timed out after the task's 3.000s timeout")
        #expect(response.totalExecutionTime == .seconds(3))
    }
}

/// Work that never finishes on its own (only cancellation ends it): a hung engine.
enum ContinuousHang {
    static func forever() async throws {
        let (stream, continuation) = AsyncStream<Never>.makeStream()
        _ = continuation
        for await _ in stream {}
        try Task.checkCancellation()
    }
}
