import Foundation
import RevoCore
import RevoDrivers
import RevoRuntime
import RevoSim
import Testing

/// One set of cases for every `MemoryBackend`: in process, SQLite, and the simulation's fake without faults here;
/// PostgreSQL in ``PostgresTests`` (its suite runs one test at a time because one of them stops the server). Ids and
/// sessions are unique per case, so one database serves all.
@Suite("MemoryBackend contract")
struct MemoryBackendContractTests {
    enum Implementation: String, CaseIterable, CustomTestStringConvertible {
        case inProcess, sqlite, simulated

        var testDescription: String { rawValue }

        /// A fresh backend for `body`; SQLite's file removed afterwards.
        func withBackend(_ body: (any MemoryBackend) async throws -> Void) async throws {
            switch self {
            case .inProcess: try await body(InMemoryMemoryBackend())
            case .simulated:
                let clock = SystemClock(ContinuousClock())
                let faults = FaultInjector(faults: [], random: SeededRandom(seed: 1), clock: clock)
                try await body(
                    FakeMemoryBackend(gate: FaultGate(target: .memory, latency: .zero, faults: faults, clock: clock, random: RandomSource(seed: 2)))
                )
            case .sqlite:
                try await SQLiteStoreTests.withDatabase { path in try await body(SQLiteMemoryBackend(database: SQLiteDatabase(path: path))) }
            }
        }
    }

    static let embedding = HashedEmbedding()

    /// An entry of `content`, unique to one case by `tag`.
    static func entry(
        _ tag: String,
        _ number: Int,
        _ content: String,
        type: String = "note",
        session: String? = nil,
        success: Double = 0.5
    )
        -> MemoryEntry
    {
        MemoryEntry(
            id: "\(tag)-\(number)",
            content: content,
            type: type,
            sessionID: session.map { "\(tag)-\($0)" },
            metadata: ["source": "contract", "n": "\(number)"],
            createdAt: .milliseconds(1_000 * number + 7),
            embedding: embedding.embed(content),
            successScore: success,
            usageCount: number
        )
    }

    static func query(_ text: String, type: String? = nil, session: String? = nil, limit: Int = 10) -> MemoryQuery {
        MemoryQuery(embedding: embedding.embed(text), filter: MemoryFilter(type: type, sessionID: session), limit: limit, minimumSimilarity: 0.3)
    }

    @Test("an entry comes back exactly as stored; a second store of its id replaces it", arguments: Implementation.allCases)
    func storeAndRead(_ implementation: Implementation) async throws {
        try await implementation.withBackend { backend in try await Self.storeAndRead(backend) }
    }

    static func storeAndRead(_ backend: any MemoryBackend) async throws {
        let tag = "read-\(UUID().uuidString)"
        let first = Self.entry(tag, 1, "the cache went down at noon", session: "s")
        let second = Self.entry(tag, 2, "naïve café notes — 東京", type: "knowledge")
        let before = try await backend.count()
        try await backend.store(first)
        try await backend.store(second)
        #expect(try await backend.entry(id: first.id) == first)
        #expect(try await backend.entry(id: second.id) == second)
        #expect(try await backend.entry(id: "\(tag)-missing") == nil)
        var edited = first
        edited.content = "the cache came back at one"
        edited.embedding = embedding.embed(edited.content)
        try await backend.store(edited)
        #expect(try await backend.entry(id: first.id) == edited)
        #expect(try await backend.count() == before + 2)
    }

    @Test("a search ranks by similarity, keeps to its filter and limit, and drops what is not similar", arguments: Implementation.allCases)
    func search(_ implementation: Implementation) async throws {
        try await implementation.withBackend { backend in try await Self.search(backend) }
    }

    static func search(_ backend: any MemoryBackend) async throws {
        let tag = "search-\(UUID().uuidString)"
        let close = Self.entry(tag, 1, "redis outage cache misses", session: "a")
        let closer = Self.entry(tag, 2, "redis outage cache misses at noon", session: "a")
        let otherSession = Self.entry(tag, 3, "redis outage cache misses at noon", session: "b", success: 0.9)
        let otherType = Self.entry(tag, 4, "redis outage cache misses at noon", type: "code", session: "a")
        let unrelated = Self.entry(tag, 5, "quarterly budget spreadsheet", session: "a")
        for entry in [close, closer, otherSession, otherType, unrelated] { try await backend.store(entry) }

        let inSession = try await backend.search(Self.query("redis outage cache misses at noon", type: "note", session: "\(tag)-a"))
        #expect(inSession.map(\.entry.id) == [closer.id, close.id])
        #expect(inSession.allSatisfy { $0.score == $0.entry.rank(similarity: $0.similarity) })
        #expect(inSession[0].similarity > 0.99)
        let limited = try await backend.search(Self.query("redis outage cache misses at noon", type: "note", session: "\(tag)-a", limit: 1))
        #expect(limited.map(\.entry.id) == [closer.id])
        let anyNote = try await backend.search(Self.query("redis outage cache misses at noon", type: "note"))
        #expect(Set(anyNote.map(\.entry.id)).isSuperset(of: [close.id, closer.id, otherSession.id]))
        #expect(!anyNote.contains { $0.entry.id == otherType.id || $0.entry.id == unrelated.id })
    }

    @Test("a recall's usage is counted and its success folded into the score, durably", arguments: Implementation.allCases)
    func usage(_ implementation: Implementation) async throws {
        try await implementation.withBackend { backend in try await Self.usage(backend) }
    }

    static func usage(_ backend: any MemoryBackend) async throws {
        let tag = "usage-\(UUID().uuidString)"
        let entry = Self.entry(tag, 3, "the model fell back to llama")
        try await backend.store(entry)
        try await backend.recordUsage(of: entry.id, success: true)
        try await backend.recordUsage(of: entry.id, success: nil)
        try await backend.recordUsage(of: "\(tag)-missing", success: false)
        let used = try #require(try await backend.entry(id: entry.id))
        #expect(used.usageCount == entry.usageCount + 2)
        #expect(abs(used.successScore - 0.6) < 1e-9)
        try await backend.recordUsage(of: entry.id, success: false)
        #expect(abs((try await backend.entry(id: entry.id)?.successScore ?? 0) - 0.48) < 1e-9)
    }

    @Test("eviction removes the given share with the lowest retention, oldest first among equals", arguments: Implementation.allCases)
    func eviction(_ implementation: Implementation) async throws {
        try await implementation.withBackend { backend in try await Self.eviction(backend) }
    }

    static func eviction(_ backend: any MemoryBackend) async throws {
        let tag = "evict-\(UUID().uuidString)"
        // Retention 0.2·success + 0.1·usage: entries 1 and 2 tie lowest, 3 next, 4 and 5 keep.
        let entries = [
            Self.entry(tag, 1, "one", success: 0.1), Self.entry(tag, 2, "two", success: 0.1), Self.entry(tag, 3, "three", success: 0.2),
            Self.entry(tag, 4, "four", success: 0.9), Self.entry(tag, 5, "five", success: 0.8),
        ]
        // Eviction is over the whole backend: only an empty one is predictable.
        try #require(try await backend.count() == 0, "eviction's case needs an empty backend")
        for entry in entries { try await backend.store(entry) }
        #expect(try await backend.evictLowest(fraction: 0.4) == 2)
        #expect(try await backend.entry(id: entries[0].id) == nil)
        #expect(try await backend.entry(id: entries[1].id) == nil)
        #expect(try await backend.entry(id: entries[2].id) != nil)
        #expect(try await backend.evictLowest(fraction: 0.2) == 1)
        #expect(try await backend.entry(id: entries[2].id) == nil)
        #expect(try await backend.count() == 2)
        #expect(try await backend.evictLowest(fraction: 0) == 0)
    }
}
