import Foundation
import RevoCore
import RevoDrivers
import Testing

/// One set of cases for every `ConversationStore`: in process, SQLite and the recent-history copy over both here;
/// PostgreSQL in ``PostgresTests``, whose suite runs one test at a time because one of them stops the server. Each
/// case uses its own conversation ids, so one database serves all.
@Suite("ConversationStore contract")
struct ConversationStoreContractTests {
    enum Implementation: String, CaseIterable, CustomTestStringConvertible {
        case memory, sqlite, recentOverMemory, recentOverSQLite

        var testDescription: String { rawValue }

        /// A fresh store for `body`, removed afterwards.
        func withStore(_ body: @escaping @Sendable (any ConversationStore) async throws -> Void) async throws {
            switch self {
            case .memory: try await body(InMemoryConversationStore())
            case .recentOverMemory: try await body(RecentHistoryStore(InMemoryConversationStore(), messagesPerConversation: 4))
            case .sqlite, .recentOverSQLite:
                try await SQLiteStoreTests.withDatabase { path in
                    let store = SQLiteConversationStore(database: SQLiteDatabase(path: path))
                    try await body(self == .sqlite ? store : RecentHistoryStore(store, messagesPerConversation: 4))
                }
            }
        }
    }

    static func message(
        _ id: String,
        in conversation: String,
        _ content: String,
        role: StoredMessage.Role = .user,
        at seconds: Int64
    )
        -> StoredMessage
    {
        StoredMessage(
            id: id,
            conversationID: conversation,
            role: role,
            content: content,
            provider: role == .assistant ? "mock" : nil,
            createdAt: .seconds(seconds)
        )
    }

    @Test("messages come back oldest first, the last `limit` of their conversation only", arguments: Implementation.allCases)
    func order(_ implementation: Implementation) async throws {
        try await implementation.withStore { store in try await Self.order(store) }
    }

    static func order(_ store: any ConversationStore) async throws {
        let (a, b) = ("order-a-\(UUID().uuidString)", "order-b-\(UUID().uuidString)")
        try await store.ping()
        for i in 0..<6 {
            try await store.append(Self.message("\(a)/\(i)", in: a, "a\(i)", at: Int64(i)))
            if i.isMultiple(of: 2) { try await store.append(Self.message("\(b)/\(i)", in: b, "b\(i)", at: Int64(i))) }
        }
        #expect(try await store.messages(conversationID: a, limit: 3).map(\.content) == ["a3", "a4", "a5"])
        #expect(
            try await store.messages(conversationID: a, limit: 3) == (3..<6).map { Self.message("\(a)/\($0)", in: a, "a\($0)", at: Int64($0)) }
        )
        #expect(try await store.messages(conversationID: b, limit: 10).map(\.content) == ["b0", "b2", "b4"])
        #expect(try await store.messages(conversationID: a, limit: 0).isEmpty)
        #expect(try await store.messages(conversationID: "never-\(UUID().uuidString)", limit: 5).isEmpty)
    }

    @Test("an exchange lands in order; a known id keeps its place, role and time and takes the new text", arguments: Implementation.allCases)
    func upsert(_ implementation: Implementation) async throws {
        try await implementation.withStore { store in try await Self.upsert(store) }
    }

    static func upsert(_ store: any ConversationStore) async throws {
        let c = "upsert-\(UUID().uuidString)"
        let question = Self.message("\(c)/m1.user", in: c, "hello", at: 1)
        let answer = Self.message("\(c)/m1.assistant", in: c, "hi", role: .assistant, at: 1)
        try await store.append(contentsOf: [question, answer])
        #expect(try await store.messages(conversationID: c, limit: 10) == [question, answer])
        try await store.append(Self.message("\(c)/m2.user", in: c, "more", at: 2))
        // The exchange resent, its answer regenerated a second later.
        var again = Self.message("\(c)/m1.assistant", in: c, "hello there", role: .assistant, at: 3)
        again.provider = "openai"
        try await store.append(contentsOf: [Self.message("\(c)/m1.user", in: c, "hello", at: 3), again])
        var updated = answer
        updated.content = "hello there"
        updated.provider = "openai"
        #expect(
            try await store.messages(conversationID: c, limit: 10) == [question, updated, Self.message("\(c)/m2.user", in: c, "more", at: 2)]
        )
    }

    @Test("a message resent under another conversation is updated where it is; the other does not get it", arguments: Implementation.allCases)
    func resentElsewhere(_ implementation: Implementation) async throws {
        try await implementation.withStore { store in try await Self.resentElsewhere(store) }
    }

    static func resentElsewhere(_ store: any ConversationStore) async throws {
        let (first, other) = ("first-\(UUID().uuidString)", "other-\(UUID().uuidString)")
        // Keyed as ChatService keys a client's message id: `conversation/message`.
        let id = "\(first)/m1"
        try await store.append(Self.message(id, in: first, "original", at: 1))
        try await store.append(Self.message("\(other)/x", in: other, "other's own", at: 1))
        // Read once, so a recent-history copy holds the whole of the other conversation.
        _ = try await store.messages(conversationID: other, limit: 4)
        try await store.append(Self.message(id, in: other, "resent", at: 2))
        #expect(try await store.messages(conversationID: first, limit: 10).map(\.content) == ["resent"])
        #expect(try await store.messages(conversationID: other, limit: 10).map(\.content) == ["other's own"])
    }
}
