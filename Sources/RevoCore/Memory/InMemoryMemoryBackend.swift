public import RevoRuntime
import Synchronization

/// The embedded default backend: a ``MemoryIndex`` in this process. A lock rather than an actor: every call is a
/// short step in memory, so the caller runs it in place instead of hopping to another executor and back.
public final class InMemoryMemoryBackend: MemoryBackend {
    public let name: String
    public var waits: Waits { .never }
    private let index = Mutex(MemoryIndex())

    public init(name: String = "in-process") {
        self.name = name
    }

    public func store(_ entry: MemoryEntry) throws(StoreError) {
        index.withLock { $0.upsert(entry) }
    }

    public func search(_ query: MemoryQuery) throws(StoreError) -> [ScoredMemory] {
        index.withLock { $0.search(query) }
    }

    public func recordUsage(of id: String, success: Bool?) throws(StoreError) {
        index.withLock { $0.recordUsage(of: id, success: success) }
    }

    public func count() throws(StoreError) -> Int {
        index.withLock { $0.count }
    }

    public func evictLowest(fraction: Double) throws(StoreError) -> Int {
        index.withLock { $0.evictLowest(fraction: fraction) }
    }

    public func entry(id: String) throws(StoreError) -> MemoryEntry? {
        index.withLock { $0.entry(id: id) }
    }

    public func residentBytes() -> Int? {
        index.withLock { $0.residentBytes }
    }
}
