public import RevoRuntime
import Synchronization

/// One chat message as stored.
public struct StoredMessage: Sendable, Equatable, Codable {
    public enum Role: String, Sendable, Codable {
        case user
        case assistant
        case system
    }

    public var id: String
    public var conversationID: String
    public var role: Role
    public var content: String
    /// The provider that wrote an assistant message.
    public var provider: String?
    public var createdAt: Duration

    public init(id: String, conversationID: String, role: Role, content: String, provider: String? = nil, createdAt: Duration) {
        self.id = id
        self.conversationID = conversationID
        self.role = role
        self.content = content
        self.provider = provider
        self.createdAt = createdAt
    }
}

/// Where conversations live (PostgreSQL in the original; SQLite by default here). Writes are upserts by message id:
/// a known id keeps its conversation, place, role and time, and takes the new content and provider — even when it is
/// sent again under another conversation, which then does not get it.
public protocol ConversationStore: Sendable {
    /// A short name for health reports (`sqlite`, `postgres`, `in-process`).
    var name: String { get }
    /// A cheap round trip, for start-up and health.
    func ping() async throws(StoreError)
    func append(_ message: StoredMessage) async throws(StoreError)
    /// Stores `messages` (a question and its answer) together: a store with transactions writes both or neither, in
    /// one round trip.
    func append(contentsOf messages: [StoredMessage]) async throws(StoreError)
    /// The last `limit` messages of a conversation, oldest first.
    func messages(conversationID: String, limit: Int) async throws(StoreError) -> [StoredMessage]
    /// What ``messages(conversationID:limit:)`` would answer, when this process holds it and can vouch for it (see
    /// ``RecentHistoryStore``): read without waiting, so without a guard's timeout. nil (the default) sends the caller
    /// to the store.
    func keptMessages(conversationID: String, limit: Int) -> [StoredMessage]?
    /// What a call can wait on (see ``Cache/waits``); `.onAnything` by default.
    var waits: Waits { get }
}

extension ConversationStore {
    public func keptMessages(conversationID: String, limit: Int) -> [StoredMessage]? { nil }
    public var waits: Waits { .onAnything }

    /// One message at a time, in order, for stores without transactions.
    public func append(contentsOf messages: [StoredMessage]) async throws(StoreError) {
        for message in messages { try await append(message) }
    }
}

/// The embedded default for simulations and tests: conversations in process memory, behind a lock (each call is a
/// short step in memory, run in the caller's place rather than on an actor of its own).
public final class InMemoryConversationStore: ConversationStore {
    public var waits: Waits { .never }
    private struct State {
        var conversations: [String: [StoredMessage]] = [:]
        /// Message id → its conversation and position there, so upserts stay O(1) however long a conversation grows.
        var positions: [String: (conversation: String, index: Int)] = [:]
    }

    public let name: String
    private let state = Mutex(State())

    public init(name: String = "in-process") {
        self.name = name
    }

    public func ping() throws(StoreError) {}

    public func append(_ message: StoredMessage) throws(StoreError) {
        state.withLock { s in
            if let position = s.positions[message.id] {
                s.conversations[position.conversation]?[position.index].content = message.content
                s.conversations[position.conversation]?[position.index].provider = message.provider
            } else {
                s.positions[message.id] = (message.conversationID, s.conversations[message.conversationID, default: []].count)
                s.conversations[message.conversationID, default: []].append(message)
            }
        }
    }

    public func messages(conversationID: String, limit: Int) throws(StoreError) -> [StoredMessage] {
        state.withLock { s in Array((s.conversations[conversationID] ?? []).suffix(max(0, limit))) }
    }
}
