/// Calls back once a span of time has passed, so that ``SystemClock/withDeadline(_:operation:)`` can race an operation
/// against a timer instead of against a sleeping task: every sleep is a dispatch timer, two task switches and a thread
/// wake-up on every request. RevoDrivers has the real-time one; a clock without a
/// scheduler races a sleeping task, which is what simulations do (their time only moves when every task sleeps).
public protocol DeadlineScheduler: Sendable {
    /// Calls `fire` once `delay` has passed, unless the timer is cancelled first. `fire` runs on the scheduler's own
    /// thread and must return quickly.
    func schedule(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> ScheduledDeadline
    /// Drops a timer that has not fired; a timer that fired already is ignored.
    func cancel(_ timer: ScheduledDeadline)
}

/// A timer handed out by a ``DeadlineScheduler``.
public struct ScheduledDeadline: Sendable, Hashable {
    public let id: UInt64

    public init(id: UInt64) {
        self.id = id
    }
}
