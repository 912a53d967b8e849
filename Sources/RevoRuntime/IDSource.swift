import Synchronization

/// Deterministic identifiers shared by concurrent callers: ids for memories, requests, tasks.
public final class IDSource: Sendable {
    private let ids: Mutex<DeterministicIDs>

    public init(random: SeededRandom) {
        self.ids = Mutex(DeterministicIDs(random: random))
    }

    /// e.g. `mem-3f9a1c0b2d4e5f60`.
    public func next(_ prefix: String) -> String {
        ids.withLock { $0.nextBits() }.fixedWidthHex(after: prefix)
    }
}
