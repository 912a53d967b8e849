import RevoCore
import RevoRuntime
import Synchronization

/// What the system reported during a run, with the virtual time of each event.
final class SystemEventLog: SystemEventSink {
    private let clock: SystemClock
    private let events = Mutex<[(at: Duration, event: SystemEvent)]>([])

    init(clock: SystemClock) {
        self.clock = clock
    }

    func record(_ event: SystemEvent) {
        let now = clock.now
        events.withLock { $0.append((now, event)) }
    }

    var all: [(at: Duration, event: SystemEvent)] { events.withLock { $0 } }
}
