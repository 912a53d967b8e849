public import RevoRuntime

/// Deadlines on the virtual clock: a timer in the executor's own queue, fired in (deadline, registration) order like
/// every sleep, so ``SystemClock/withDeadline(_:operation:)`` races a timer instead of a sleeping task.
extension SimulationExecutor: DeadlineScheduler {
    public func schedule(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> ScheduledDeadline {
        ScheduledDeadline(id: scheduleTimer(after: delay, fire))
    }

    public func cancel(_ timer: ScheduledDeadline) {
        cancelTimer(timer.id)
    }
}
