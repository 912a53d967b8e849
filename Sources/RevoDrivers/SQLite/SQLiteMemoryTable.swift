import Foundation
import GRDB
public import RevoCore

/// Memories in SQLite's `memory_entries` table.
public struct SQLiteMemoryTable: MemoryTable {
    public let name = "sqlite"
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func loadAll() async throws(StoreError) -> [MemoryEntry] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM memory_entries ORDER BY rowid").map(Self.entry)
        }
    }

    public func upsert(_ entry: MemoryEntry) async throws(StoreError) {
        try await database.write { db in
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
                    entry.createdAt.nanoseconds, Data(MemoryCoding.bytes(entry.embedding)), entry.successScore, entry.usageCount,
                ]
            )
        }
    }

    public func updateUsage(of entry: MemoryEntry) async throws(StoreError) {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE memory_entries SET success_score = ?, usage_count = ? WHERE id = ?",
                arguments: [entry.successScore, entry.usageCount, entry.id]
            )
        }
    }

    public func delete(ids: [String]) async throws(StoreError) {
        try await database.write { db in
            for id in ids { try db.execute(sql: "DELETE FROM memory_entries WHERE id = ?", arguments: [id]) }
        }
    }

    static func entry(_ row: Row) throws -> MemoryEntry {
        MemoryEntry(
            id: row["id"],
            content: row["content"],
            type: row["type"],
            sessionID: row["session_id"],
            metadata: try MemoryCoding.metadata(row["metadata"] as String),
            createdAt: .nanoseconds(row["created_at_ns"] as Int64),
            embedding: MemoryCoding.embedding([UInt8](row["embedding"] as Data)),
            successScore: row["success_score"],
            usageCount: row["usage_count"]
        )
    }
}

/// The SQLite memory backend: `memory_entries` behind an in-process index.
public typealias SQLiteMemoryBackend = IndexedMemoryBackend<SQLiteMemoryTable>

extension IndexedMemoryBackend where Table == SQLiteMemoryTable {
    public init(database: SQLiteDatabase) {
        self.init(table: SQLiteMemoryTable(database: database))
    }
}
