import NIOCore
import PostgresNIO
public import RevoCore

/// Memories in PostgreSQL's `memory_entries` table (embeddings as little-endian Float32 `bytea`).
public struct PostgresMemoryTable: MemoryTable {
    public let name = "postgres"
    private let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func loadAll() async throws(StoreError) -> [MemoryEntry] {
        let decoded = try await database.fetchAll(
            """
            SELECT id, content, type, session_id, metadata, created_at_ns, embedding, success_score, usage_count
            FROM memory_entries ORDER BY seq
            """,
            as: (String, String, String, String?, String, Int64, ByteBuffer, Double, Int64).self
        )
        do {
            return try decoded.map { row in
                MemoryEntry(
                    id: row.0,
                    content: row.1,
                    type: row.2,
                    sessionID: row.3,
                    metadata: try MemoryCoding.metadata(row.4),
                    createdAt: .nanoseconds(row.5),
                    embedding: MemoryCoding.embedding(Array(row.6.readableBytesView)),
                    successScore: row.7,
                    usageCount: Int(row.8)
                )
            }
        } catch {
            throw .failed("postgres memory_entries: unreadable metadata: \(error)")
        }
    }

    public func upsert(_ entry: MemoryEntry) async throws(StoreError) {
        let metadata: String
        do {
            metadata = try MemoryCoding.metadata(entry.metadata)
        } catch {
            throw .failed("memory metadata cannot be encoded: \(error)")
        }
        // bytea travels as a ByteBuffer; [UInt8] would be sent as an array of "char".
        let embedding = ByteBuffer(bytes: MemoryCoding.bytes(entry.embedding))
        _ = try await database.query(
            """
            INSERT INTO memory_entries (id, content, type, session_id, metadata, created_at_ns, embedding, success_score, usage_count)
            VALUES (\(entry.id), \(entry.content), \(entry.type), \(entry.sessionID), \(metadata), \(entry.createdAt.nanoseconds),
                \(embedding), \(entry.successScore), \(Int64(entry.usageCount)))
            ON CONFLICT (id) DO UPDATE SET content = excluded.content, type = excluded.type, session_id = excluded.session_id,
                metadata = excluded.metadata, embedding = excluded.embedding, success_score = excluded.success_score,
                usage_count = excluded.usage_count
            """
        )
    }

    public func updateUsage(of entry: MemoryEntry) async throws(StoreError) {
        _ = try await database.query(
            "UPDATE memory_entries SET success_score = \(entry.successScore), usage_count = \(Int64(entry.usageCount)) WHERE id = \(entry.id)"
        )
    }

    public func delete(ids: [String]) async throws(StoreError) {
        guard !ids.isEmpty else { return }
        _ = try await database.query("DELETE FROM memory_entries WHERE id = ANY(\(ids))")
    }
}

/// The PostgreSQL memory backend: `memory_entries` behind an in-process index.
public typealias PostgresMemoryBackend = IndexedMemoryBackend<PostgresMemoryTable>

extension IndexedMemoryBackend where Table == PostgresMemoryTable {
    public init(database: PostgresDatabase) {
        self.init(table: PostgresMemoryTable(database: database))
    }
}
