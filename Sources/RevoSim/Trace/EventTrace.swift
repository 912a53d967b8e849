import DequeModule
import RevoCore
import RevoRuntime
import Synchronization

/// The record of a simulation: every event folded into a running digest, the most recent ones kept readable.
///
/// The digest is FNV-1a 64 (see ``StableHash``) over, per event: virtual time in nanoseconds (Int64 LE),
/// task id (UInt64 LE), event text (UTF-8, 0xff-terminated); and per fired timer: its sequence number and deadline.
/// Two runs with the same digest executed the same events at the same virtual times in the same order.
public final class EventTrace: Sendable {
    struct State {
        var hash = StableHash()
        var count = 0
        var recent = Deque<TraceEvent>()
    }

    private let state = Mutex(State())
    public let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Records an event at `time`, attributed to the current simulated task.
    public func record(_ event: String, at time: VirtualClock.Instant) {
        let task = SimulationTaskInfo.current
        let entry = TraceEvent(time: time, taskID: task?.id ?? 0, taskName: task?.name ?? "-", event: event)
        let capacity = self.capacity
        state.withLock { s in
            s.hash.combine(time.offset.nanoseconds)
            s.hash.combine(entry.taskID)
            s.hash.combine(event)
            s.count += 1
            guard capacity > 0 else { return }
            if s.recent.count == capacity { s.recent.removeFirst() }
            s.recent.append(entry)
        }
    }

    func fold(timer sequence: UInt64, at deadline: Duration) {
        state.withLock { s in
            s.hash.combine(sequence)
            s.hash.combine(deadline.nanoseconds)
        }
    }

    /// The digest of everything recorded so far, as sixteen hex digits.
    public var digest: String {
        state.withLock { $0.hash.hex }
    }

    /// How many events were recorded (timers not included).
    public var count: Int {
        state.withLock { $0.count }
    }

    /// The most recent events, oldest first, at most ``capacity``.
    public var recentEvents: [TraceEvent] {
        state.withLock { Array($0.recent) }
    }
}

extension SimulationExecutor {
    /// Records an event in the trace at the current virtual time.
    public func record(_ event: String) {
        trace.record(event, at: now)
    }
}
