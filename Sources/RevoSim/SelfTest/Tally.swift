import RevoCore
import RevoRuntime
import Synchronization

/// A default actor that records the order in which tasks reach it; part of the self-test workload.
actor Tally {
    let index: Int
    private var hash = StableHash()
    private var arrivals = 0
    private let published = Mutex((hash: UInt64(0), count: 0))

    init(index: Int) {
        self.index = index
    }

    func arrive(_ task: Int) {
        arrivals += 1
        hash.combine(UInt64(task))
        let value = (hash: hash.value, count: arrivals)
        published.withLock { $0 = value }
    }

    /// Read after the simulation finished, from outside the actor.
    nonisolated func snapshot() -> (hash: UInt64, count: Int) {
        published.withLock { $0 }
    }
}
