import Foundation
import RevoCore
public import RevoRuntime

/// The real-time ``DeadlineScheduler``: one thread sleeps until the earliest pending deadline and fires it.
///
/// Scheduling is a lock and an insertion into a short sorted list (the calls in flight); the thread is woken only when a
/// deadline comes before the one it sleeps towards, and it never sleeps more than a second, so a deadline later than
/// that needs no wake-up at all: under load, almost none does.
public final class TimerThread: DeadlineScheduler, @unchecked Sendable {
    /// The process's timer thread, started on first use.
    public static let shared = TimerThread(name: "revo-deadlines")

    private struct Entry {
        var due: ContinuousClock.Instant
        var id: UInt64
        var fire: @Sendable () -> Void
    }

    // All below is guarded by `condition`.
    private let condition = NSCondition()
    /// Latest first, so the earliest is removed from the end.
    private var pending: [Entry] = []
    private var nextID: UInt64 = 0
    /// Where the thread's current wait ends; a deadline before it must wake the thread.
    private var wakesAt: ContinuousClock.Instant?
    private let clock = ContinuousClock()
    private static let longestWait = Duration.seconds(1)

    public init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    public func schedule(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> ScheduledDeadline {
        let due = clock.now.advanced(by: delay)
        condition.lock()
        defer { condition.unlock() }
        nextID &+= 1
        let entry = Entry(due: due, id: nextID, fire: fire)
        // Deadlines mostly arrive in order, so the insertion point is usually at the front, found from there.
        let index = pending.firstIndex { $0.due <= due } ?? pending.endIndex
        pending.insert(entry, at: index)
        if let wakesAt, due < wakesAt { condition.signal() }
        return ScheduledDeadline(id: entry.id)
    }

    public func cancel(_ timer: ScheduledDeadline) {
        condition.lock()
        defer { condition.unlock() }
        // The timers of calls that finish in time are cancelled soon after they are scheduled: search from the front.
        if let index = pending.firstIndex(where: { $0.id == timer.id }) {
            pending.remove(at: index)
        }
    }

    private func run() {
        condition.lock()
        while true {
            let now = clock.now
            var due: [@Sendable () -> Void] = []
            while let last = pending.last, last.due <= now {
                due.append(pending.removeLast().fire)
            }
            if !due.isEmpty {
                wakesAt = nil
                condition.unlock()
                for fire in due { fire() }
                condition.lock()
                continue
            }
            let until = min(pending.last?.due ?? now.advanced(by: Self.longestWait), now.advanced(by: Self.longestWait))
            wakesAt = until
            // NSCondition waits on the wall clock: the wait is recomputed on the monotonic clock after every wake-up.
            _ = condition.wait(until: Date(timeIntervalSinceNow: Self.seconds(now.duration(to: until))))
            wakesAt = nil
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
