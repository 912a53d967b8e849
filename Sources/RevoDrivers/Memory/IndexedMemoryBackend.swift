public import RevoCore

/// Durable rows of memory entries. ``IndexedMemoryBackend`` keeps them searchable in process; a table only stores.
public protocol MemoryTable: Sendable {
    /// A short name for health reports (`sqlite`, `postgres`).
    var name: String { get }
    /// Every entry, oldest first.
    func loadAll() async throws(StoreError) -> [MemoryEntry]
    func upsert(_ entry: MemoryEntry) async throws(StoreError)
    /// Writes `entry`'s success score and usage count.
    func updateUsage(of entry: MemoryEntry) async throws(StoreError)
    func delete(ids: [String]) async throws(StoreError)
}

/// A memory backend over a durable table, searched through an in-process ``MemoryIndex`` loaded on first use.
///
/// The table is the truth and the index a cache of it: a write lands in the table first, so a crash loses nothing the
/// caller was told is stored, and a table that is down fails the write (which then goes to the outbox). Each change
/// goes into the index as it stands once the table has it, in place: a copy taken before the table's await would copy
/// every entry, and writing it back would drop what another call changed meanwhile.
public actor IndexedMemoryBackend<Table: MemoryTable>: MemoryBackend {
    public nonisolated let name: String
    private let table: Table
    private var index: MemoryIndex?

    public init(table: Table) {
        self.table = table
        self.name = table.name
    }

    public func store(_ entry: MemoryEntry) async throws(StoreError) {
        _ = try await loadedIndex()
        try await table.upsert(entry)
        index?.upsert(entry)
    }

    public func search(_ query: MemoryQuery) async throws(StoreError) -> [ScoredMemory] {
        try await loadedIndex().search(query)
    }

    public func recordUsage(of id: String, success: Bool?) async throws(StoreError) {
        guard var updated = try await loadedIndex().entry(id: id) else { return }
        updated.recordUsage(success: success)
        try await table.updateUsage(of: updated)
        index?.recordUsage(of: id, success: success)
    }

    public func count() async throws(StoreError) -> Int {
        try await loadedIndex().count
    }

    public func evictLowest(fraction: Double) async throws(StoreError) -> Int {
        let removed = try await loadedIndex().lowest(fraction: fraction)
        try await table.delete(ids: removed)
        index?.remove(ids: removed)
        return removed.count
    }

    public func entry(id: String) async throws(StoreError) -> MemoryEntry? {
        try await loadedIndex().entry(id: id)
    }

    private func loadedIndex() async throws(StoreError) -> MemoryIndex {
        if let index { return index }
        let entries = try await table.loadAll()
        // Another call may have loaded it while this one waited for the read.
        if let index { return index }
        var loaded = MemoryIndex()
        for entry in entries { loaded.upsert(entry) }
        index = loaded
        return loaded
    }
}
