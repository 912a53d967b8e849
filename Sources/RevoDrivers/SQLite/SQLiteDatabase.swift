public import GRDB
public import RevoCore
import Synchronization

/// One SQLite file in WAL mode, opened on first use and migrated to the current schema.
///
/// Opening is retried on every call until it succeeds, so a server started with an unwritable file degrades (its
/// stores report why) and recovers by itself once the file can be written, without a restart.
public final class SQLiteDatabase: Sendable {
    public let path: String
    private let state = Mutex<DatabasePool?>(nil)

    public init(path: String) {
        self.path = path
    }

    /// The pool, opened and migrated if this is the first successful call.
    public func pool() throws(StoreError) -> DatabasePool {
        if let pool = state.withLock({ $0 }) { return pool }
        do {
            var configuration = Configuration()
            configuration.label = "revo.sqlite"
            // Writers queue behind each other for up to 5 s instead of failing with SQLITE_BUSY.
            configuration.busyMode = .timeout(5)
            configuration.prepareDatabase { db in
                // WAL + NORMAL: a commit survives a crash of this process; only power loss can cost the last ones.
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // The commit that crosses this many log pages copies them back and flushes the disk while every
                // writer waits; SQLite's 1,000 does that four times as often. The price is a log of up to 16 MB and a
                // longer, rarer stall.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 4000")
            }
            let pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteSchema.migrator.migrate(pool)
            return state.withLock { current in
                if let current { return current }
                current = pool
                return pool
            }
        } catch {
            throw Self.storeError(error, opening: path)
        }
    }

    /// Runs `updates` in a write transaction.
    public func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        try await access { pool in try await pool.write(updates) }
    }

    /// Runs `value` on the writer's connection, outside a transaction, in line with the writes. For small reads of
    /// rows that are written often: a reader's page cache is dropped whenever another connection commits, and
    /// reading every page again from the WAL cost more than waiting for the writer (`perf`).
    public func readOnWriter<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        try await access { pool in try await pool.writeWithoutTransaction(value) }
    }

    /// Runs `value` on a reader, beside any writer (WAL).
    public func read<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        try await access { pool in try await pool.read(value) }
    }

    /// The pool, with GRDB's errors in RevoCore's terms.
    private func access<T: Sendable>(_ body: (DatabasePool) async throws -> T) async throws(StoreError) -> T {
        let pool = try pool()
        do {
            return try await body(pool)
        } catch {
            throw Self.storeError(error, opening: nil)
        }
    }

    /// SQLite's result codes in RevoCore's terms: what the degradation logic needs to know is whether to wait,
    /// fall back or give up on this one operation.
    static func storeError(_ error: any Error, opening path: String?) -> StoreError {
        guard let error = error as? DatabaseError else {
            return .failed("\(error)")
        }
        let detail = (error.message ?? "\(error.resultCode)") + " (\(error.resultCode))"
        if let path {
            return .unavailable("cannot open SQLite database at \(path): \(detail)")
        }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .timeout(detail)
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_PERM:
            return .unavailable(detail)
        default:
            return .failed(detail)
        }
    }
}
