import Testing

@testable import RevoSim

@Suite("Determinism")
struct DeterminismTests {
    @Test("the same seed gives the same digest in two runs")
    func sameSeedSameDigest() throws {
        let workload = SelfTestWorkload(tasks: 3_000, seed: 11)
        let first = try workload.run()
        let second = try workload.run()
        #expect(first == second)
        #expect(first.statistics.foreignEnqueues == 0)
        #expect(first.timeouts > 0, "the workload must exercise the timeout path")
    }

    @Test("a different seed gives a different digest")
    func differentSeedDifferentDigest() throws {
        let first = try SelfTestWorkload(tasks: 3_000, seed: 11).run()
        let second = try SelfTestWorkload(tasks: 3_000, seed: 12).run()
        #expect(first.digest != second.digest)
    }

    @Test("the trace digest depends on the order of events")
    func digestIsOrderSensitive() throws {
        func digest(_ events: [String]) throws -> String {
            let sim = SimulationExecutor()
            sim.spawn("writer") {
                for event in events { sim.record(event) }
            }
            try sim.run()
            return sim.trace.digest
        }
        #expect(try digest(["a", "b"]) == digest(["a", "b"]))
        #expect(try digest(["a", "b"]) != digest(["b", "a"]))
        #expect(try digest(["ab", "c"]) != digest(["a", "bc"]))
    }

    @Test("the trace keeps the most recent events, attributed to their task and time")
    func recentEvents() throws {
        let sim = SimulationExecutor(traceCapacity: 2)
        sim.spawn("worker") {
            for step in 1...3 {
                try await sim.clock.sleep(for: .seconds(1))
                sim.record("step \(step)")
            }
        }
        try sim.run()
        #expect(sim.trace.recentEvents.map(\.description) == ["t+2.000s [worker#1] step 2", "t+3.000s [worker#1] step 3"])
        #expect(sim.trace.count == 4)  // the spawn, and three steps
    }

    @Test("100,000 concurrent sleeping tasks all finish")
    func hundredThousandSleepers() throws {
        let sim = SimulationExecutor(traceCapacity: 0)
        let clock = sim.clock
        let count = 100_000
        for index in 0..<count {
            sim.spawn("sleeper") {
                try await clock.sleep(for: .milliseconds(index % 997))
            }
        }
        try sim.run()
        let statistics = sim.statistics
        #expect(statistics.tasksFinished == count)
        #expect(statistics.timersFired == count - count / 997 - 1)  // index % 997 == 0 sleeps zero: no timer
        #expect(statistics.virtualTime == .milliseconds(996))
    }
}
