import PostgresNIO
public import RevoCore

/// Accounts in PostgreSQL; usernames unique in any letter case (a unique index on `lower(username)`).
public struct PostgresUserStore: UserStore {
    public let name = "postgres"
    private let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func create(_ user: StoredUser) async throws(StoreError) -> UserCreation {
        let created = try await database.fetchAll(
            """
            INSERT INTO users (id, username, password_hash, created_at_ns)
            VALUES (\(user.id), \(user.username), \(user.passwordHash), \(user.createdAt.nanoseconds))
            ON CONFLICT DO NOTHING RETURNING id
            """,
            as: (String).self
        )
        return created.isEmpty ? .usernameTaken : .created
    }

    public func user(named username: String) async throws(StoreError) -> StoredUser? {
        try await fetch(
            "SELECT id, username, password_hash, created_at_ns FROM users WHERE lower(username) = lower(\(username))"
        )
    }

    public func user(id: String) async throws(StoreError) -> StoredUser? {
        try await fetch("SELECT id, username, password_hash, created_at_ns FROM users WHERE id = \(id)")
    }

    private func fetch(_ query: PostgresQuery) async throws(StoreError) -> StoredUser? {
        try await database.fetchAll(query, as: (String, String, String, Int64).self).first.map {
            StoredUser(id: $0.0, username: $0.1, passwordHash: $0.2, createdAt: .nanoseconds($0.3))
        }
    }
}
