import Foundation
import GRDB
public import RevoCore

/// Memories in the `memory_entries` table, searched through an in-process ``MemoryIndex`` loaded on first use.
///
/// The table is the truth and the index a cache of it: a write lands in SQLite first, so a crash loses nothing the
/// caller was told is stored.
public actor SQLiteMemoryBackend: MemoryBackend {
    public nonisolated let name = "sqlite"
    private let database: SQLiteDatabase
    private var index: MemoryIndex?

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func store(_ entry: MemoryEntry) async throws(StoreError) {
        var loaded = try await loadedIndex()
        try await database.write { db in try Self.upsert(entry, in: db) }
        loaded.upsert(entry)
        index = loaded
    }

    public func search(_ query: MemoryQuery) async throws(StoreError) -> [ScoredMemory] {
        try await loadedIndex().search(query)
    }

    public func recordUsage(of id: String, success: Bool?) async throws(StoreError) {
        var loaded = try await loadedIndex()
        loaded.recordUsage(of: id, success: success)
        guard let updated = loaded.entry(id: id) else { return }
        try await database.write { db in
            try db.execute(
                sql: "UPDATE memory_entries SET success_score = ?, usage_count = ? WHERE id = ?",
                arguments: [updated.successScore, updated.usageCount, id]
            )
        }
        index = loaded
    }

    public func count() async throws(StoreError) -> Int {
        try await loadedIndex().count
    }

    public func evictLowest(fraction: Double) async throws(StoreError) -> Int {
        var loaded = try await loadedIndex()
        let removed = loaded.evict(fraction: fraction)
        try await database.write { db in
            for id in removed { try db.execute(sql: "DELETE FROM memory_entries WHERE id = ?", arguments: [id]) }
        }
        index = loaded
        return removed.count
    }

    public func entry(id: String) async throws(StoreError) -> MemoryEntry? {
        try await loadedIndex().entry(id: id)
    }

    private func loadedIndex() async throws(StoreError) -> MemoryIndex {
        if let index { return index }
        let entries = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM memory_entries ORDER BY rowid").map(Self.entry)
        }
        // Another call may have loaded it while this one waited for the read.
        if let index { return index }
        var loaded = MemoryIndex()
        for entry in entries { loaded.upsert(entry) }
        index = loaded
        return loaded
    }

    static func upsert(_ entry: MemoryEntry, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO memory_entries (id, content, type, session_id, metadata, created_at_ns, embedding, success_score, usage_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET content = excluded.content, type = excluded.type, session_id = excluded.session_id,
                    metadata = excluded.metadata, embedding = excluded.embedding, success_score = excluded.success_score,
                    usage_count = excluded.usage_count
                """,
            arguments: [
                entry.id, entry.content, entry.type, entry.sessionID, try MemoryCoding.metadata(entry.metadata),
                entry.createdAt.nanosecondsValue, MemoryCoding.blob(entry.embedding), entry.successScore, entry.usageCount,
            ]
        )
    }

    static func entry(_ row: Row) throws -> MemoryEntry {
        MemoryEntry(
            id: row["id"],
            content: row["content"],
            type: row["type"],
            sessionID: row["session_id"],
            metadata: try MemoryCoding.metadata(row["metadata"] as String),
            createdAt: .nanoseconds(row["created_at_ns"] as Int64),
            embedding: MemoryCoding.embedding(row["embedding"] as Data),
            successScore: row["success_score"],
            usageCount: row["usage_count"]
        )
    }
}

/// How memory fields are laid out in SQLite: metadata as sorted JSON, embeddings as little-endian Float32 blobs.
enum MemoryCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func metadata(_ values: [String: String]) throws -> String {
        String(decoding: try encoder.encode(values), as: UTF8.self)
    }

    static func metadata(_ text: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }

    static func blob(_ embedding: [Float]) -> Data {
        var data = Data(capacity: embedding.count * 4)
        for value in embedding { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func embedding(_ data: Data) -> [Float] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count - bytes.count % 4, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
    }
}
