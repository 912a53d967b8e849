import RevoCore
import Synchronization
import Testing

@testable import RevoDrivers

@Suite("Indexed memory backend")
struct IndexedMemoryBackendTests {
    /// A table whose writes wait until the test lets them go, so two calls are inside the table at once.
    final class HeldTable: MemoryTable {
        let name = "held"
        let rows = Mutex<[String: MemoryEntry]>([:])
        let waiting = Mutex<[CheckedContinuation<Void, Never>]>([])

        func loadAll() async throws(StoreError) -> [MemoryEntry] {
            rows.withLock { Array($0.values) }.sorted { $0.id < $1.id }
        }

        func upsert(_ entry: MemoryEntry) async throws(StoreError) {
            await hold()
            rows.withLock { $0[entry.id] = entry }
        }

        func updateUsage(of entry: MemoryEntry) async throws(StoreError) {
            await hold()
            rows.withLock { $0[entry.id] = entry }
        }

        func delete(ids: [String]) async throws(StoreError) {
            await hold()
            rows.withLock { rows in for id in ids { rows[id] = nil } }
        }

        private func hold() async {
            await withCheckedContinuation { continuation in waiting.withLock { $0.append(continuation) } }
        }

        /// Waits until `count` writes are held, then lets them all go.
        func release(_ count: Int) async {
            while waiting.withLock({ $0.count }) < count { await Task.yield() }
            let held = waiting.withLock { waiting in
                defer { waiting = [] }
                return waiting
            }
            for continuation in held { continuation.resume() }
        }
    }

    static func entry(_ id: String, _ text: String) -> MemoryEntry {
        MemoryEntry(id: id, content: text, type: "note", createdAt: .zero, embedding: HashedEmbedding().embed(text))
    }

    static func everything() -> MemoryQuery {
        MemoryQuery(embedding: HashedEmbedding().embed("memory"), filter: MemoryFilter(), limit: 100, minimumSimilarity: -1)
    }

    @Test("two stores inside the table at once both reach the index")
    func overlappingStores() async throws {
        let table = HeldTable()
        let backend = IndexedMemoryBackend(table: table)
        #expect(try await backend.count() == 0)
        try await withThrowingTaskGroup { group in
            group.addTask { try await backend.store(Self.entry("a", "memory of apples")) }
            group.addTask { try await backend.store(Self.entry("b", "memory of boats")) }
            await table.release(2)
            try await group.waitForAll()
        }
        let found = try await backend.search(Self.everything())
        #expect(found.map(\.entry.id).sorted() == ["a", "b"])
    }

    @Test("a use recorded while a store is inside the table keeps the stored entry, and both reach the table")
    func usageDuringStore() async throws {
        let table = HeldTable()
        let backend = IndexedMemoryBackend(table: table)
        async let first: Void = backend.store(Self.entry("a", "memory of apples"))
        await table.release(1)
        try await first
        try await withThrowingTaskGroup { group in
            group.addTask { try await backend.store(Self.entry("b", "memory of boats")) }
            group.addTask { try await backend.recordUsage(of: "a", success: true) }
            await table.release(2)
            try await group.waitForAll()
        }
        let found = try await backend.search(Self.everything())
        #expect(found.map(\.entry.id).sorted() == ["a", "b"])
        #expect(try await backend.entry(id: "a")?.usageCount == 1)
        #expect(table.rows.withLock { $0["a"]?.usageCount } == 1)
    }

    @Test("an eviction while a store is inside the table removes only the evicted entry")
    func evictionDuringStore() async throws {
        let table = HeldTable()
        let backend = IndexedMemoryBackend(table: table)
        for (id, text) in [("a", "memory of apples"), ("b", "memory of boats")] {
            async let stored: Void = backend.store(Self.entry(id, text))
            await table.release(1)
            try await stored
        }
        async let used: Void = backend.recordUsage(of: "b", success: true)
        await table.release(1)
        try await used
        try await withThrowingTaskGroup { group in
            group.addTask { try await backend.store(Self.entry("c", "memory of cliffs")) }
            group.addTask {
                let evicted = try await backend.evictLowest(fraction: 0.5)
                #expect(evicted == 1)
            }
            await table.release(2)
            try await group.waitForAll()
        }
        let found = try await backend.search(Self.everything())
        #expect(found.map(\.entry.id).sorted() == ["b", "c"])
        #expect(table.rows.withLock { $0.keys.sorted() } == ["b", "c"])
    }
}
