import GRDB

/// The schema, as numbered migrations: applied once each, in order, on open.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: users, conversations, messages, memory, outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE users (
                        id TEXT PRIMARY KEY,
                        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
                        password_hash TEXT NOT NULL,
                        created_at_ns INTEGER NOT NULL
                    );
                    CREATE TABLE conversations (
                        id TEXT PRIMARY KEY,
                        created_at_ns INTEGER NOT NULL,
                        updated_at_ns INTEGER NOT NULL
                    );
                    CREATE TABLE messages (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                        role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
                        content TEXT NOT NULL,
                        provider TEXT,
                        created_at_ns INTEGER NOT NULL
                    );
                    CREATE INDEX messages_by_conversation ON messages(conversation_id, seq);
                    CREATE TABLE memory_entries (
                        id TEXT PRIMARY KEY,
                        content TEXT NOT NULL,
                        type TEXT NOT NULL,
                        session_id TEXT,
                        metadata TEXT NOT NULL,
                        created_at_ns INTEGER NOT NULL,
                        embedding BLOB NOT NULL,
                        success_score REAL NOT NULL,
                        usage_count INTEGER NOT NULL
                    );
                    CREATE TABLE memory_outbox (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        entry TEXT NOT NULL
                    );
                    """
            )
        }
        return migrator
    }
}
