import GRDB
public import RevoCore

/// Conversations and their messages in the `conversations` and `messages` tables; appends are upserts by message id,
/// and concurrent appends share a transaction (``GroupCommit``).
public struct SQLiteConversationStore: ConversationStore {
    public let name = "sqlite"
    private let database: SQLiteDatabase
    private let appends: GroupCommit<StoredMessage>

    public init(database: SQLiteDatabase) {
        self.database = database
        self.appends = GroupCommit { messages throws(StoreError) in try await Self.write(messages, to: database) }
    }

    public func ping() async throws(StoreError) {
        _ = try await database.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func append(_ message: StoredMessage) async throws(StoreError) {
        try await append(contentsOf: [message])
    }

    /// One transaction for the whole exchange, shared with the exchanges appended meanwhile.
    public func append(contentsOf messages: [StoredMessage]) async throws(StoreError) {
        guard !messages.isEmpty else { return }
        try await appends.submit(messages)
    }

    private static func write(_ messages: [StoredMessage], to database: SQLiteDatabase) async throws(StoreError) {
        try await database.write { db in
            let conversation = try db.cachedStatement(
                sql: """
                    INSERT INTO conversations (id, created_at_ns, updated_at_ns) VALUES (?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET updated_at_ns = max(updated_at_ns, excluded.updated_at_ns)
                    """
            )
            let row = try db.cachedStatement(
                sql: """
                    INSERT INTO messages (id, conversation_id, prev_seq, role, content, provider, created_at_ns)
                    VALUES (?1, ?2, (SELECT last_seq FROM conversations WHERE id = ?2), ?3, ?4, ?5, ?6)
                    ON CONFLICT(id) DO UPDATE SET content = excluded.content, provider = excluded.provider
                    """
            )
            // One upsert per conversation in the batch, not per message: a batch holds two messages per chat.
            for span in Self.conversationSpans(of: messages) {
                try conversation.execute(arguments: [span.id, span.first, span.last])
            }
            for message in messages {
                let at = message.createdAt.nanoseconds
                try row.execute(arguments: [message.id, message.conversationID, message.role.rawValue, message.content, message.provider, at])
            }
        }
    }

    /// Each conversation of `messages` with the earliest and latest time of its messages, in first-seen order.
    static func conversationSpans(of messages: [StoredMessage]) -> [(id: String, first: Int64, last: Int64)] {
        var spans: [(id: String, first: Int64, last: Int64)] = []
        var index: [String: Int] = [:]
        for message in messages {
            let at = message.createdAt.nanoseconds
            if let i = index[message.conversationID] {
                spans[i].first = min(spans[i].first, at)
                spans[i].last = max(spans[i].last, at)
            } else {
                index[message.conversationID] = spans.count
                spans.append((message.conversationID, at, at))
            }
        }
        return spans
    }

    public func messages(conversationID: String, limit: Int) async throws(StoreError) -> [StoredMessage] {
        try await database.readOnWriter { db in
            // A cursor reuses one row for all, read by column position: a lookup by name lowercases the name for
            // every row and column, and fetching all rows copies each.
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    // The conversation's latest messages, newest first along the chain (schema v2), then in order.
                    sql: """
                        WITH RECURSIVE chain(seq, n) AS (
                            SELECT last_seq, 1 FROM conversations WHERE id = ?1 AND last_seq IS NOT NULL AND ?2 > 0
                            UNION ALL
                            SELECT messages.prev_seq, chain.n + 1 FROM chain JOIN messages ON messages.seq = chain.seq
                            WHERE messages.prev_seq IS NOT NULL AND chain.n < ?2
                        )
                        SELECT id, conversation_id, role, content, provider, created_at_ns
                        FROM chain JOIN messages ON messages.seq = chain.seq ORDER BY messages.seq
                        """
                ),
                arguments: [conversationID, max(0, limit)]
            )
            var messages: [StoredMessage] = []
            while let row = try rows.next() {
                messages.append(
                    StoredMessage(
                        id: row[0],
                        conversationID: row[1],
                        role: StoredMessage.Role(rawValue: row[2]) ?? .user,
                        content: row[3],
                        provider: row[4],
                        createdAt: .nanoseconds(row[5] as Int64)
                    )
                )
            }
            return messages
        }
    }
}
