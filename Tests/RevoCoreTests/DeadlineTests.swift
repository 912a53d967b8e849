import RevoRuntime
import Synchronization
import Testing

@testable import RevoCore

/// A scheduler the test fires by hand: which timers are pending, and which were cancelled.
final class ManualDeadlines: DeadlineScheduler {
    struct State {
        var nextID: UInt64 = 0
        var pending: [UInt64: @Sendable () -> Void] = [:]
        var cancelled: [UInt64] = []
    }

    let state = Mutex(State())

    func schedule(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> ScheduledDeadline {
        state.withLock { s in
            s.nextID += 1
            s.pending[s.nextID] = fire
            return ScheduledDeadline(id: s.nextID)
        }
    }

    func cancel(_ timer: ScheduledDeadline) {
        state.withLock { s in
            if s.pending.removeValue(forKey: timer.id) != nil { s.cancelled.append(timer.id) }
        }
    }

    /// Fires every pending timer once one is there.
    func fireWhenScheduled() async {
        while true {
            let fires = state.withLock { s in
                defer { s.pending.removeAll() }
                return Array(s.pending.values)
            }
            if !fires.isEmpty {
                for fire in fires { fire() }
                return
            }
            await Task.yield()
        }
    }
}

@Suite("Deadlines on a scheduler")
struct DeadlineTests {
    static func clock(_ deadlines: ManualDeadlines) -> SystemClock {
        SystemClock(ContinuousClock(), deadlines: deadlines)
    }

    @Test("an operation that finishes first returns its value, and its timer is cancelled")
    func finishesFirst() async throws {
        let deadlines = ManualDeadlines()
        let clock = Self.clock(deadlines)
        let value = try await clock.withDeadline(clock.now + .seconds(60)) { 42 }
        #expect(value == 42)
        #expect(deadlines.state.withLock { ($0.pending.count, $0.cancelled) } == (0, [1]))
    }

    @Test("an operation's error passes through unchanged")
    func errorPassesThrough() async throws {
        let clock = Self.clock(ManualDeadlines())
        await #expect(throws: ProviderError.connectionRefused("x")) {
            try await clock.withDeadline(clock.now + .seconds(60)) { () async throws -> Int in throw ProviderError.connectionRefused("x") }
        }
    }

    @Test("a timer that fires first cancels the operation and throws TimeoutError once it has wound down")
    func timerFirst() async throws {
        let deadlines = ManualDeadlines()
        let clock = Self.clock(deadlines)
        let wound = Mutex(false)
        async let firing: Void = deadlines.fireWhenScheduled()
        await #expect(throws: TimeoutError.self) {
            try await clock.withDeadline(clock.now + .seconds(60)) {
                while !Task.isCancelled { await Task.yield() }
                wound.withLock { $0 = true }
                throw CancellationError()
            }
        }
        await firing
        #expect(wound.withLock { $0 })
    }

    @Test("a deadline already passed throws without starting the operation")
    func alreadyPassed() async throws {
        let deadlines = ManualDeadlines()
        let clock = Self.clock(deadlines)
        let started = Mutex(false)
        await #expect(throws: TimeoutError.self) {
            try await clock.withDeadline(clock.now - .seconds(1)) { started.withLock { $0 = true } }
        }
        #expect(started.withLock { $0 } == false)
        #expect(deadlines.state.withLock { $0.nextID } == 0)
    }

    @Test("an unraced operation runs with no timer; an answer after the deadline is a time-out, as the race would have it")
    func unraced() async throws {
        let deadlines = ManualDeadlines()
        let clock = Self.clock(deadlines)
        #expect(try await clock.withDeadline(unraced: clock.now + .seconds(60)) { 42 } == 42)
        let deadline = clock.now + .milliseconds(1)
        await #expect(throws: TimeoutError.self) {
            try await clock.withDeadline(unraced: deadline) { () -> Int in
                // An answer computed for longer than allowed.
                while clock.now <= deadline {}
                return 42
            }
        }
        let started = Mutex(false)
        await #expect(throws: TimeoutError.self) {
            try await clock.withDeadline(unraced: clock.now - .seconds(1)) { started.withLock { $0 = true } }
        }
        #expect(started.withLock { $0 } == false)
        #expect(deadlines.state.withLock { $0.nextID } == 0, "no timer was scheduled")
    }
}
