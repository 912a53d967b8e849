import RevoCore
import RevoDrivers
import RevoRuntime
import Synchronization
import Testing

@Suite("Timer thread")
struct TimerThreadTests {
    /// Waits for `fired` to be called, whatever the thread.
    static func firing(_ schedule: (@escaping @Sendable () -> Void) -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            schedule { continuation.resume() }
        }
    }

    @Test("timers fire in deadline order, a cancelled one never, and an earlier one wakes the thread")
    func firesInOrder() async {
        let timers = TimerThread(name: "test-timers")
        let fired = Mutex<[String]>([])
        // A far one first, so the thread sleeps towards it; the near ones must wake it.
        let far = timers.schedule(after: .seconds(3600)) { fired.withLock { $0.append("far") } }
        let cancelled = timers.schedule(after: .milliseconds(5)) { fired.withLock { $0.append("cancelled") } }
        timers.cancel(cancelled)
        _ = timers.schedule(after: .milliseconds(10)) { fired.withLock { $0.append("first") } }
        await Self.firing { done in
            _ = timers.schedule(after: .milliseconds(40)) {
                fired.withLock { $0.append("second") }
                done()
            }
        }
        timers.cancel(far)
        #expect(fired.withLock { $0 } == ["first", "second"])
    }

    @Test("a SystemClock on the timer thread times out an operation that hangs, and returns one that answers")
    func clockDeadlines() async throws {
        let clock = SystemClock(ContinuousClock(), deadlines: TimerThread.shared)
        await #expect(throws: TimeoutError.self) {
            try await clock.withDeadline(clock.now + .milliseconds(20)) { try await Task.sleep(for: .seconds(3600)) }
        }
        #expect(try await clock.withDeadline(clock.now + .seconds(60)) { "answered" } == "answered")
    }
}
