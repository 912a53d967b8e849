/// The embedded default backend: a ``MemoryIndex`` in this process.
public actor InMemoryMemoryBackend: MemoryBackend {
    public nonisolated let name: String
    public nonisolated var runsInProcess: Bool { true }
    private var index = MemoryIndex()

    public init(name: String = "in-process") {
        self.name = name
    }

    public func store(_ entry: MemoryEntry) throws(StoreError) {
        index.upsert(entry)
    }

    public func search(_ query: MemoryQuery) throws(StoreError) -> [ScoredMemory] {
        index.search(query)
    }

    public func recordUsage(of id: String, success: Bool?) throws(StoreError) {
        index.recordUsage(of: id, success: success)
    }

    public func count() throws(StoreError) -> Int {
        index.count
    }

    public func evictLowest(fraction: Double) throws(StoreError) -> Int {
        index.evictLowest(fraction: fraction)
    }

    public func entry(id: String) throws(StoreError) -> MemoryEntry? {
        index.entry(id: id)
    }

    public func residentBytes() -> Int? {
        index.residentBytes
    }
}
