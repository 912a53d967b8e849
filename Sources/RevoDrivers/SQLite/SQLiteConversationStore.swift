import GRDB
public import RevoCore

/// Conversations and their messages in the `conversations` and `messages` tables; appends are upserts by message id.
public struct SQLiteConversationStore: ConversationStore {
    public let name = "sqlite"
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func ping() async throws(StoreError) {
        _ = try await database.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func append(_ message: StoredMessage) async throws(StoreError) {
        try await append(contentsOf: [message])
    }

    /// One transaction for the whole exchange: one commit instead of one per message.
    public func append(contentsOf messages: [StoredMessage]) async throws(StoreError) {
        guard !messages.isEmpty else { return }
        try await database.write { db in
            let conversation = try db.cachedStatement(
                sql: """
                    INSERT INTO conversations (id, created_at_ns, updated_at_ns) VALUES (?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET updated_at_ns = max(updated_at_ns, excluded.updated_at_ns)
                    """
            )
            let row = try db.cachedStatement(
                sql: """
                    INSERT INTO messages (id, conversation_id, role, content, provider, created_at_ns) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET content = excluded.content, provider = excluded.provider
                    """
            )
            for message in messages {
                let at = message.createdAt.nanosecondsValue
                try conversation.execute(arguments: [message.conversationID, at, at])
                try row.execute(arguments: [message.id, message.conversationID, message.role.rawValue, message.content, message.provider, at])
            }
        }
    }

    public func messages(conversationID: String, limit: Int) async throws(StoreError) -> [StoredMessage] {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM (SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq"),
                arguments: [conversationID, max(0, limit)]
            )
            return rows.map { row in
                StoredMessage(
                    id: row["id"],
                    conversationID: row["conversation_id"],
                    role: StoredMessage.Role(rawValue: row["role"]) ?? .user,
                    content: row["content"],
                    provider: row["provider"],
                    createdAt: .nanoseconds(row["created_at_ns"] as Int64)
                )
            }
        }
    }
}
