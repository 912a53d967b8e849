import RevoRuntime
import Testing

@testable import RevoCore
@testable import RevoSim

/// Resident sizes are running totals; after any sequence of writes they equal a structure built from what is left.
@Suite("Resident sizes kept as entries come and go")
struct ResidentBytesTests {
    static func entry(_ id: String, _ content: String, dimensions: Int = 4) -> MemoryEntry {
        MemoryEntry(
            id: id,
            content: content,
            type: "conversation",
            sessionID: "s",
            metadata: ["k": id],
            createdAt: .zero,
            embedding: (0..<dimensions).map { Float($0) }
        )
    }

    /// A fresh index holding the same entries.
    static func rebuilt(_ index: MemoryIndex) -> MemoryIndex {
        var rebuilt = MemoryIndex()
        for i in 0..<10 { if let kept = index.entry(id: "m\(i)") { rebuilt.upsert(kept) } }
        return rebuilt
    }

    @Test("the memory index after inserts, replacements, usage and eviction")
    func memoryIndex() {
        var index = MemoryIndex()
        for i in 0..<10 { index.upsert(Self.entry("m\(i)", String(repeating: "x", count: i))) }
        index.upsert(Self.entry("m3", "a much longer replacement text"))
        index.upsert(Self.entry("m4", "odd", dimensions: 2))
        index.recordUsage(of: "m5", success: true)
        #expect(index.residentBytes == Self.rebuilt(index).residentBytes)
        _ = index.evict(fraction: 0.3)
        #expect(index.count == 7)
        #expect(index.residentBytes == Self.rebuilt(index).residentBytes)
        #expect(MemoryIndex().residentBytes == 0)
    }

    @Test("the in-process cache after replacement, deletion, expiry and capacity eviction")
    func cache() throws {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let cache = InMemoryCache(capacity: 3, clock: clock)
        let expected = InMemoryCache(capacity: 3, clock: clock)
        try runSimulation(sim) {
            try cache.set("a", value: "1", ttl: .seconds(100))
            try cache.set("a", value: "a longer value", ttl: .seconds(100))
            try cache.set("b", value: "2", ttl: .seconds(1))
            try cache.set("c", value: "3", ttl: .seconds(100))
            try cache.delete("c")
            try cache.delete("missing")
            try await clock.sleep(for: .seconds(2))
            #expect(try cache.get("b") == nil)
            for key in ["d", "e", "f"] { try cache.set(key, value: key + key, ttl: .seconds(100)) }
            for key in ["d", "e", "f"] { try expected.set(key, value: key + key, ttl: .seconds(100)) }
        }
        #expect(cache.count == 3)
        #expect(cache.residentBytes() == expected.residentBytes())
        #expect(InMemoryCache(clock: clock).residentBytes() == 0)
    }
}
