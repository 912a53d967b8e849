import HeapModule

/// Pending virtual-clock sleeps, ordered by (deadline, insertion order) so equal deadlines fire first-in first-out.
///
/// Cancelled sleeps are removed from `sleepers` at once and their heap entries are skipped lazily when they surface.
struct TimerQueue {
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
        case waiting(UnsafeContinuation<Void, any Error>)
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
    mutating func register(_ sequence: UInt64, deadline: Duration, continuation: UnsafeContinuation<Void, any Error>) -> Bool {
        if case .cancelledBeforeRegistration = sleepers[sequence] {
            sleepers[sequence] = nil
            return false
        }
        sleepers[sequence] = .waiting(continuation)
        heap.insert(Entry(deadline: deadline, sequence: sequence))
        pendingCount += 1
        return true
    }

    /// Cancels a sleep; returns its continuation if it was waiting and must now be resumed with an error.
    mutating func cancel(_ sequence: UInt64) -> UnsafeContinuation<Void, any Error>? {
        switch sleepers[sequence] {
        case .allocated:
            sleepers[sequence] = .cancelledBeforeRegistration
            return nil
        case .waiting(let continuation):
            sleepers[sequence] = nil
            pendingCount -= 1
            return continuation
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

    /// Removes every live sleep due at or before `now`, in (deadline, sequence) order.
    mutating func popDue(at now: Duration, into fired: inout [(Entry, UnsafeContinuation<Void, any Error>)]) {
        while let top = heap.min, top.deadline <= now {
            heap.removeMin()
            if case .waiting(let continuation) = sleepers.removeValue(forKey: top.sequence) {
                pendingCount -= 1
                fired.append((top, continuation))
            }
        }
    }
}
