import PostgresNIO
public import RevoCore

/// Conversations and their messages in PostgreSQL; appends are upserts by message id, an exchange one transaction.
public struct PostgresConversationStore: ConversationStore {
    public let name = "postgres"
    private let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func ping() async throws(StoreError) {
        _ = try await database.query("SELECT 1")
    }

    public func append(_ message: StoredMessage) async throws(StoreError) {
        try await append(contentsOf: [message])
    }

    public func append(contentsOf messages: [StoredMessage]) async throws(StoreError) {
        guard !messages.isEmpty else { return }
        try await database.transaction { connection, logger in
            for message in messages {
                let at = message.createdAt.nanoseconds
                try await connection.query(
                    """
                    INSERT INTO conversations (id, created_at_ns, updated_at_ns) VALUES (\(message.conversationID), \(at), \(at))
                    ON CONFLICT (id) DO UPDATE SET updated_at_ns = greatest(conversations.updated_at_ns, excluded.updated_at_ns)
                    """,
                    logger: logger
                )
                try await connection.query(
                    """
                    INSERT INTO messages (id, conversation_id, role, content, provider, created_at_ns)
                    VALUES (\(message.id), \(message.conversationID), \(message.role.rawValue), \(message.content), \(message.provider), \(at))
                    ON CONFLICT (id) DO UPDATE SET content = excluded.content, provider = excluded.provider
                    """,
                    logger: logger
                )
            }
        }
    }

    public func messages(conversationID: String, limit: Int) async throws(StoreError) -> [StoredMessage] {
        try await database.fetchAll(
            """
            SELECT id, role, content, provider, created_at_ns FROM (
                SELECT * FROM messages WHERE conversation_id = \(conversationID) ORDER BY seq DESC LIMIT \(max(0, limit))
            ) AS recent ORDER BY seq
            """,
            as: (String, String, String, String?, Int64).self
        ).map { id, role, content, provider, at in
            StoredMessage(
                id: id,
                conversationID: conversationID,
                role: StoredMessage.Role(rawValue: role) ?? .user,
                content: content,
                provider: provider,
                createdAt: .nanoseconds(at)
            )
        }
    }
}
