import GRDB
public import RevoCore

/// Accounts in the `users` table.
public struct SQLiteUserStore: UserStore {
    public let name = "sqlite"
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func create(_ user: StoredUser) async throws(StoreError) -> UserCreation {
        try await database.write { db in
            // The unique index decides, so two registrations racing for one name cannot both win.
            try db.execute(
                sql: "INSERT OR IGNORE INTO users (id, username, password_hash, created_at_ns) VALUES (?, ?, ?, ?)",
                arguments: [user.id, user.username, user.passwordHash, user.createdAt.nanoseconds]
            )
            return db.changesCount == 1 ? .created : .usernameTaken
        }
    }

    public func user(named username: String) async throws(StoreError) -> StoredUser? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE username = ?", arguments: [username]).map(Self.user)
        }
    }

    public func user(id: String) async throws(StoreError) -> StoredUser? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id]).map(Self.user)
        }
    }

    private static func user(_ row: Row) -> StoredUser {
        StoredUser(
            id: row["id"],
            username: row["username"],
            passwordHash: row["password_hash"],
            createdAt: .nanoseconds(row["created_at_ns"] as Int64)
        )
    }
}
