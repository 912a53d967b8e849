import Logging
import PostgresNIO

/// The schema as numbered migrations, each applied once, in order, in its own transaction; the applied versions are
/// kept in `revo_migrations`. An advisory lock keeps two servers starting together from migrating at once.
enum PostgresSchema {
    static let migrations: [(version: Int, name: String, statements: [PostgresQuery])] = [
        (
            1,
            "users, conversations, messages, memory",
            [
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    username TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    created_at_ns BIGINT NOT NULL
                )
                """,
                "CREATE UNIQUE INDEX users_by_name ON users (lower(username))",
                """
                CREATE TABLE conversations (
                    id TEXT PRIMARY KEY,
                    created_at_ns BIGINT NOT NULL,
                    updated_at_ns BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE messages (
                    seq BIGSERIAL PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
                    content TEXT NOT NULL,
                    provider TEXT,
                    created_at_ns BIGINT NOT NULL
                )
                """,
                "CREATE INDEX messages_by_conversation ON messages (conversation_id, seq)",
                """
                CREATE TABLE memory_entries (
                    seq BIGSERIAL,
                    id TEXT PRIMARY KEY,
                    content TEXT NOT NULL,
                    type TEXT NOT NULL,
                    session_id TEXT,
                    metadata TEXT NOT NULL,
                    created_at_ns BIGINT NOT NULL,
                    embedding BYTEA NOT NULL,
                    success_score DOUBLE PRECISION NOT NULL,
                    usage_count BIGINT NOT NULL
                )
                """,
            ]
        )
    ]

    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(72657626)", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS revo_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger
            )
            var applied: Set<Int> = []
            for try await version in try await connection.query("SELECT version FROM revo_migrations", logger: logger).decode(Int.self) {
                applied.insert(version)
            }
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements { try await connection.query(statement, logger: logger) }
                try await connection.query(
                    "INSERT INTO revo_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger
                )
                logger.info("postgres schema migrated", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }
}
