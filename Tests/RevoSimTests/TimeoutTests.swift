import RevoRuntime
import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("withTimeout")
struct TimeoutTests {
    struct Failure: Error, Equatable {}

    @Test("an operation that finishes in time returns its value, at its own time")
    func finishesInTime() throws {
        let (value, at) = try simulate { sim in
            let clock = sim.clock
            let value = try await withTimeout(after: .seconds(5), clock: clock) {
                try await clock.sleep(for: .seconds(2))
                return 42
            }
            return (value, clock.now)
        }
        #expect(value == 42)
        #expect(at == .zero.advanced(by: .seconds(2)))
    }

    @Test("an operation that overruns is cancelled and the caller gets TimeoutError at the limit")
    func overrunsInVirtualTime() throws {
        let sim = SimulationExecutor()
        let clock = sim.clock
        let events = Recorder<String>()
        sim.spawn("caller") {
            do {
                _ = try await withTimeout(after: .seconds(5), clock: clock) {
                    do {
                        try await clock.sleep(for: .seconds(3600))
                    } catch {
                        events.append("operation saw \(type(of: error)) at \(clock.now)")
                        throw error
                    }
                }
            } catch let error as TimeoutError {
                events.append("caller got timeout (\(error.limit)) at \(clock.now)")
            }
        }
        try sim.run()
        #expect(
            events.all == [
                "operation saw CancellationError at t+5.000s",
                "caller got timeout (5.0 seconds) at t+5.000s",
            ]
        )
        #expect(sim.statistics.pendingTimers == 0)
    }

    @Test("an operation's own error is passed through")
    func errorPassesThrough() throws {
        #expect(throws: Failure.self) {
            try simulate { sim in
                try await withTimeout(after: .seconds(5), clock: sim.clock) { () async throws -> Int in
                    throw Failure()
                }
            }
        }
    }

    @Test("the same function times out on the wall clock")
    func wallClockTimeout() async throws {
        let clock = ContinuousClock()
        await #expect(throws: TimeoutError.self) {
            try await withTimeout(after: .milliseconds(20), clock: clock) {
                try await clock.sleep(for: .seconds(30))
            }
        }
        let value = try await withTimeout(after: .seconds(30), clock: clock) { "fast" }
        #expect(value == "fast")
    }
}

@Suite("Deadlines as executor timers")
struct SimulatedDeadlineTests {
    @Test("a deadline timer fires at its virtual time, in order with sleeps; a cancelled one never fires")
    func timersFireInOrder() throws {
        let events = Recorder<String>()
        try simulate { sim in
            let clock = sim.clock
            _ = sim.schedule(after: .seconds(2)) { events.append("deadline at \(clock.now)") }
            let dropped = sim.schedule(after: .seconds(1)) { events.append("cancelled deadline fired") }
            sim.cancel(dropped)
            try await clock.sleep(for: .seconds(2))
            events.append("sleep ended at \(clock.now)")
            try await clock.sleep(for: .seconds(1))
        }
        #expect(events.all == ["deadline at t+2.000s", "sleep ended at t+2.000s"])
    }

    @Test("withDeadline on a clock with the executor as scheduler: in time answers, late times out at the deadline")
    func withDeadline() throws {
        let (fast, late, at) = try simulate { sim in
            let clock = SystemClock(sim.clock, deadlines: sim)
            let fast = try await clock.withDeadline(clock.now + .seconds(5)) {
                try await clock.sleep(for: .seconds(1))
                return "answered"
            }
            var late = "answered"
            do {
                late = try await clock.withDeadline(clock.now + .seconds(5)) {
                    try await clock.sleep(for: .seconds(3600))
                    return "answered"
                }
            } catch is TimeoutError {
                late = "timed out"
            }
            return (fast, late, clock.now)
        }
        #expect(fast == "answered" && late == "timed out" && at == .seconds(6))
    }

    /// What one call under a deadline came to, and when.
    struct Ending: Equatable, Sendable {
        var outcome: String
        var at: Duration
    }

    @Test(
        "a kept deadline ends every call where the race ends it: the same answer or error at the same virtual time",
        arguments: [Duration.seconds(1), .seconds(5), .seconds(3600)]
    )
    func keptDeadlineMatchesTheRace(wait: Duration) throws {
        struct Refused: Error {}
        let endings = try simulate { sim in
            let clock = SystemClock(sim.clock, deadlines: sim)
            var endings: [Waits: [Ending]] = [:]
            for waits in [Waits.onAnything, .onClockOnly] {
                // An answer, an error of the operation's own, and an interrupted sleep turned into another error (as
                // a fake dependency reports it).
                let operations: [@Sendable () async throws -> String] = [
                    {
                        try await clock.sleep(for: wait)
                        return "answered"
                    },
                    {
                        try await clock.sleep(for: wait)
                        throw Refused()
                    },
                    {
                        do { try await clock.sleep(for: wait) } catch { throw Refused() }
                        return "answered"
                    },
                ]
                for operation in operations {
                    let start = clock.now
                    var outcome: String
                    do {
                        outcome = try await clock.withDeadline(start + .seconds(5), waits: waits, operation: operation)
                    } catch is TimeoutError {
                        outcome = "timed out"
                    } catch {
                        outcome = "\(error)"
                    }
                    endings[waits, default: []].append(Ending(outcome: outcome, at: clock.now - start))
                    // The deadline was this call's: a sleep after it is not cut short.
                    try await clock.sleep(for: .seconds(10))
                }
            }
            return endings
        }
        let expected: [Ending] =
            wait < .seconds(5)
            ? [Ending(outcome: "answered", at: wait), Ending(outcome: "Refused()", at: wait), Ending(outcome: "answered", at: wait)]
            : Array(repeating: Ending(outcome: "timed out", at: .seconds(5)), count: 3)
        #expect(endings[.onAnything] == expected)
        #expect(endings[.onClockOnly] == expected)
    }

    @Test("a kept deadline inside another ends at the earlier of the two")
    func nestedKeptDeadlines() throws {
        let (outcome, at) = try simulate { sim in
            let clock = SystemClock(sim.clock, deadlines: sim)
            let outer = clock.now + .seconds(2)
            var outcome = "answered"
            do {
                _ = try await clock.withDeadline(kept: outer) {
                    try await clock.withDeadline(kept: clock.now + .seconds(60)) { try await clock.sleep(for: .seconds(30)) }
                }
            } catch is TimeoutError {
                outcome = "timed out"
            }
            return (outcome, clock.now)
        }
        #expect(outcome == "timed out" && at == .seconds(2))
    }
}
