import GRDB

/// The schema, as numbered migrations: applied once each, in order, on open.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(initial) { db in
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
        migrator.registerMigration(chainedMessages) { db in
            // Each message points at the one before it in its conversation, and each conversation at its latest
            // message, instead of an index on (conversation_id, seq): that index put every insert on a random page
            // among the conversations, a dirty page per conversation per commit (docs/benchmarks.md has the figures).
            // The conversation row is written
            // by every batch anyway, and reading the last N messages follows N row ids. A new message's prev_seq is
            // its conversation's last_seq, set by the insert (``SQLiteConversationStore``); the trigger below moves
            // last_seq on. Nothing deletes a conversation or a single message; a conversation's delete would scan
            // the messages for its cascade (no index leads to them).
            try db.execute(
                sql: """
                    ALTER TABLE conversations ADD COLUMN last_seq INTEGER;
                    ALTER TABLE messages ADD COLUMN prev_seq INTEGER;
                    UPDATE messages SET prev_seq = (
                        SELECT max(earlier.seq) FROM messages AS earlier
                        WHERE earlier.conversation_id = messages.conversation_id AND earlier.seq < messages.seq
                    );
                    UPDATE conversations SET last_seq = (SELECT max(seq) FROM messages WHERE conversation_id = conversations.id);
                    DROP INDEX messages_by_conversation;
                    -- Fires for a new row only: an upsert that updates an existing message keeps its place.
                    CREATE TRIGGER messages_chain AFTER INSERT ON messages BEGIN
                        UPDATE conversations SET last_seq = NEW.seq WHERE id = NEW.conversation_id;
                    END;
                    """
            )
        }
        migrator.registerMigration(plainSequence) { db in
            // `seq` was AUTOINCREMENT, which rewrites the table's row in sqlite_sequence at every insert: a second
            // b-tree changed per message. Without it a new row takes the largest seq plus one, which never reuses a seq
            // as long as nothing deletes the newest message, and nothing deletes messages (see v2: the chain's
            // pointers must never name a reused seq). SQLite cannot drop AUTOINCREMENT in place, so the table is
            // rebuilt with every seq kept.
            try db.execute(
                sql: """
                    CREATE TABLE messages_v3 (
                        seq INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                        role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
                        content TEXT NOT NULL,
                        provider TEXT,
                        created_at_ns INTEGER NOT NULL,
                        prev_seq INTEGER
                    );
                    INSERT INTO messages_v3 (seq, id, conversation_id, role, content, provider, created_at_ns, prev_seq)
                        SELECT seq, id, conversation_id, role, content, provider, created_at_ns, prev_seq FROM messages;
                    DROP TRIGGER messages_chain;
                    DROP TABLE messages;
                    ALTER TABLE messages_v3 RENAME TO messages;
                    CREATE TRIGGER messages_chain AFTER INSERT ON messages BEGIN
                        UPDATE conversations SET last_seq = NEW.seq WHERE id = NEW.conversation_id;
                    END;
                    """
            )
        }
        return migrator
    }

    static let initial = "v1: users, conversations, messages, memory, outbox"
    static let chainedMessages = "v2: messages chained per conversation"
    static let plainSequence = "v3: message seq without AUTOINCREMENT"
}
