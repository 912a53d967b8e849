import HeapModule

/// Pending virtual-clock sleeps and deadline callbacks, ordered by (deadline, insertion order) so equal deadlines fire
/// first-in first-out.
///
/// Cancelled timers are removed from `sleepers` at once and their heap entries are skipped lazily when they surface.
struct TimerQueue {
    /// What a due timer does: resume a sleeping task, or call back (a deadline of ``SystemClock/withDeadline``).
    enum Wakeup {
        case resume(UnsafeContinuation<Void, any Error>)
        case call(@Sendable () -> Void)

        func fire() {
            switch self {
            case .resume(let continuation): continuation.resume()
            case .call(let callback): callback()
            }
        }
    }

    struct Entry: Comparable {
        var deadline: Duration
        var sequence: UInt64

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.deadline, lhs.sequence) < (rhs.deadline, rhs.sequence)
        }
    }

    /// The life of one sleep: allocated before its continuation exists, so a cancellation racing the
    /// registration is never lost.
    enum Sleeper {
        case allocated
        case cancelledBeforeRegistration
        case waiting(Wakeup)
    }

    private var heap = Heap<Entry>()
    private var sleepers: [UInt64: Sleeper] = [:]
    private var nextSequence: UInt64 = 0

    /// Number of sleeps waiting for their deadline.
    private(set) var pendingCount = 0

    mutating func allocate() -> UInt64 {
        nextSequence += 1
        sleepers[nextSequence] = .allocated
        return nextSequence
    }

    /// Registers the continuation of an allocated sleep; returns false if it was cancelled in the meantime.
    mutating func register(_ sequence: UInt64, deadline: Duration, wakeup: Wakeup) -> Bool {
        if case .cancelledBeforeRegistration = sleepers[sequence] {
            sleepers[sequence] = nil
            return false
        }
        sleepers[sequence] = .waiting(wakeup)
        heap.insert(Entry(deadline: deadline, sequence: sequence))
        pendingCount += 1
        return true
    }

    /// Cancels a timer; returns what it would have woken if it was waiting (a sleep's continuation must now be resumed
    /// with an error; a callback is dropped).
    mutating func cancel(_ sequence: UInt64) -> Wakeup? {
        switch sleepers[sequence] {
        case .allocated:
            sleepers[sequence] = .cancelledBeforeRegistration
            return nil
        case .waiting(let wakeup):
            sleepers[sequence] = nil
            pendingCount -= 1
            return wakeup
        case .cancelledBeforeRegistration, nil:
            // Already fired or already cancelled.
            return nil
        }
    }

    /// The earliest deadline among live sleeps, dropping cancelled entries on the way.
    mutating func earliestDeadline() -> Duration? {
        while let top = heap.min {
            if case .waiting = sleepers[top.sequence] { return top.deadline }
            heap.removeMin()
        }
        return nil
    }

    /// Removes every live timer due at or before `now`, in (deadline, sequence) order.
    mutating func popDue(at now: Duration, into fired: inout [(Entry, Wakeup)]) {
        while let top = heap.min, top.deadline <= now {
            heap.removeMin()
            if case .waiting(let wakeup) = sleepers.removeValue(forKey: top.sequence) {
                pendingCount -= 1
                fired.append((top, wakeup))
            }
        }
    }
}
