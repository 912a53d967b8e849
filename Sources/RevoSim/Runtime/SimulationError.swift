/// Why a simulation run stopped without finishing its work.
public enum SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing can run and no timer is pending, yet tasks have not finished: the system under test is deadlocked
    /// or waits for something that will never come (a continuation nobody resumes, an event from outside the simulation).
    case stalled(at: VirtualClock.Instant, parked: [ParkedTask])

    /// A task that was still unfinished when the simulation stalled.
    public struct ParkedTask: Sendable, Equatable, CustomStringConvertible {
        public var id: UInt64
        public var name: String
        /// Virtual time at which the task was spawned.
        public var spawnedAt: VirtualClock.Instant

        public var description: String {
            "#\(id) \(name) (spawned \(spawnedAt))"
        }
    }

    public var description: String {
        switch self {
        case .stalled(let at, let parked):
            let shown = parked.prefix(20).map(\.description).joined(separator: ", ")
            let more = parked.count > 20 ? " and \(parked.count - 20) more" : ""
            return "simulation stalled at \(at): no runnable job and no pending timer, "
                + "but \(parked.count) task(s) never finished: \(shown)\(more). They wait for something that will never "
                + "happen: a continuation nobody resumes, a lock cycle, or work that escaped the simulation "
                + "(a Task {} started outside the simulation, a global actor, real I/O)"
        }
    }
}
