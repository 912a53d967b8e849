/// What a call to a dependency can wait on, which decides how ``SystemClock/withDeadline(_:waits:operation:)`` holds it
/// to a deadline without paying for more than it needs.
public enum Waits: Sendable, Hashable {
    /// Nothing: the answer is computed in this process (an index, a canned reply). It runs in place; nothing could
    /// interrupt it.
    case never
    /// Only sleeps of the ``SystemClock`` it was built with (a simulated dependency's latency): it runs in place with
    /// the deadline kept by the clock, which ends any such sleep at the deadline.
    case onClockOnly
    /// Anything else: a socket, a thread, another task. It is raced against a timer in a child task.
    case onAnything
}
