import Testing

@testable import RevoSim

@Suite("Virtual clock")
struct VirtualClockTests {
    @Test("timers with equal deadlines fire in the order they were set")
    func equalDeadlinesAreFIFO() throws {
        let sim = SimulationExecutor()
        let clock = sim.clock
        let order = Recorder<Int>()
        for index in 0..<50 {
            sim.spawn("sleeper-\(index)") {
                try await clock.sleep(for: .seconds(5))
                order.append(index)
            }
        }
        try sim.run()
        #expect(order.all == Array(0..<50))
        #expect(sim.now == .zero.advanced(by: .seconds(5)))
    }

    @Test("timers fire in deadline order whatever the order they were set in")
    func deadlineOrder() throws {
        let sim = SimulationExecutor()
        let clock = sim.clock
        let order = Recorder<String>()
        for (name, delay) in [("c", 30), ("a", 10), ("d", 40), ("b", 20)] {
            sim.spawn(name) {
                try await clock.sleep(for: .milliseconds(delay))
                order.append("\(name)@\(clock.now)")
            }
        }
        try sim.run()
        #expect(order.all == ["a@t+0.010s", "b@t+0.020s", "c@t+0.030s", "d@t+0.040s"])
    }

    @Test("sleeping one hour of virtual time takes no wall time")
    func oneHourIsFree() throws {
        let wall = ContinuousClock()
        let started = wall.now
        let virtualElapsed = try simulate { sim in
            let clock = sim.clock
            let start = clock.now
            try await clock.sleep(for: .seconds(3600))
            return start.duration(to: clock.now)
        }
        #expect(virtualElapsed == .seconds(3600))
        // Not a performance bound: a real one-hour sleep would take 3600 s; this only proves it was virtual.
        #expect(started.duration(to: wall.now) < .seconds(60))
    }

    @Test("a deadline already passed returns at once without moving time")
    func pastDeadline() throws {
        let elapsed = try simulate { sim in
            let clock = sim.clock
            try await clock.sleep(for: .seconds(1))
            let before = clock.now
            try await clock.sleep(until: before.advanced(by: .seconds(-1)))
            try await clock.sleep(for: .zero)
            return before.duration(to: clock.now)
        }
        #expect(elapsed == .zero)
    }

    @Test("cancelling a sleeping task resumes it at once with CancellationError")
    func cancellationResumesAtOnce() throws {
        let sim = SimulationExecutor()
        let clock = sim.clock
        let outcome = Recorder<String>()
        let sleeper = sim.spawn("sleeper") {
            do {
                try await clock.sleep(for: .seconds(3600))
                outcome.append("woke normally")
            } catch is CancellationError {
                outcome.append("cancelled at \(clock.now)")
            }
        }
        sim.spawn("canceller") {
            try await clock.sleep(for: .seconds(2))
            sleeper.cancel()
        }
        try sim.run()
        #expect(outcome.all == ["cancelled at t+2.000s"])
        #expect(sim.now == .zero.advanced(by: .seconds(2)))
        #expect(sim.statistics.pendingTimers == 0)
    }

    @Test("a task cancelled before it sleeps throws without registering a timer")
    func cancelledBeforeSleeping() throws {
        let error = try simulate { sim in
            let clock = sim.clock
            let task = Task(executorPreference: sim) {
                withUnsafeCurrentTask { $0?.cancel() }
                try await clock.sleep(for: .seconds(10))
            }
            do {
                try await task.value
                return "no error"
            } catch {
                return "\(type(of: error)) at \(clock.now)"
            }
        }
        #expect(error == "CancellationError at t+0.000s")
    }

    @Test("run(until:) stops at the virtual deadline and a later run continues")
    func runUntilDeadline() throws {
        let sim = SimulationExecutor()
        let clock = sim.clock
        let ticks = Recorder<String>()
        sim.spawn("ticker") {
            for _ in 0..<5 {
                try await clock.sleep(for: .seconds(10))
                ticks.append("\(clock.now)")
            }
        }
        let first = try sim.run(until: .zero.advanced(by: .seconds(25)))
        #expect(first == .reachedDeadline)
        #expect(ticks.all == ["t+10.000s", "t+20.000s"])
        #expect(sim.now == .zero.advanced(by: .seconds(25)))
        let second = try sim.run()
        #expect(second == .idle)
        #expect(ticks.all.count == 5)
        #expect(sim.now == .zero.advanced(by: .seconds(50)))
    }

    @Test("the virtual clock is usable as any Clock<Duration>")
    func existentialClock() throws {
        let elapsed = try simulate { sim in
            let clock: any Clock<Duration> = sim.clock
            return try await measureSleep(clock, .milliseconds(1500))
        }
        #expect(elapsed == .milliseconds(1500))
    }
}

/// Written against the existential, as RevoCore is: it cannot know which clock it was given.
private func measureSleep<C: Clock<Duration>>(_ clock: C, _ duration: Duration) async throws -> Duration {
    let start = clock.now
    try await clock.sleep(for: duration)
    return start.duration(to: clock.now)
}
