import Foundation
import GRDB
public import RevoCore

/// The memory outbox in the `memory_outbox` table: an append returns after its transaction commits (WAL), so an
/// acknowledged write survives a crash of the process.
public struct SQLiteOutbox: MemoryOutbox {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func append(_ entry: MemoryEntry) async throws(StoreError) -> UInt64 {
        let json: String
        do {
            json = String(decoding: try MemoryCoding.encoder.encode(entry), as: UTF8.self)
        } catch {
            throw .failed("cannot encode memory entry \(entry.id): \(error)")
        }
        return try await database.write { db in
            try db.execute(sql: "INSERT INTO memory_outbox (entry) VALUES (?)", arguments: [json])
            return UInt64(db.lastInsertedRowID)
        }
    }

    public func pending(limit: Int) async throws(StoreError) -> [OutboxItem] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT sequence, entry FROM memory_outbox ORDER BY sequence LIMIT ?", arguments: [max(0, limit)]).map { row in
                let entry = try JSONDecoder().decode(MemoryEntry.self, from: Data((row["entry"] as String).utf8))
                return OutboxItem(sequence: UInt64(row["sequence"] as Int64), entry: entry)
            }
        }
    }

    public func acknowledge(through sequence: UInt64) async throws(StoreError) {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM memory_outbox WHERE sequence <= ?", arguments: [Int64(sequence)])
        }
    }

    public func count() async throws(StoreError) -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM memory_outbox") ?? 0 }
    }
}
