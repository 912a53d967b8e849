public import RevoCore

/// Every store the server needs, on one database.
public struct StoreSet: Sendable {
    public var conversations: any ConversationStore
    public var users: any UserStore
    public var memory: any MemoryBackend
    public var outbox: any MemoryOutbox

    public init(conversations: any ConversationStore, users: any UserStore, memory: any MemoryBackend, outbox: any MemoryOutbox) {
        self.conversations = conversations
        self.users = users
        self.memory = memory
        self.outbox = outbox
    }

    /// The stores at `location`. Never throws: a database that cannot be opened yet makes stores that report why on
    /// every call (and open it once they can), so the server starts degraded instead of not at all.
    public static func open(_ location: DatabaseLocation) -> StoreSet {
        switch location {
        case .memory:
            return StoreSet(
                conversations: InMemoryConversationStore(),
                users: InMemoryUserStore(),
                memory: InMemoryMemoryBackend(),
                outbox: InMemoryOutbox()
            )
        case .sqlite(let path):
            let database = SQLiteDatabase(path: path)
            return StoreSet(
                conversations: SQLiteConversationStore(database: database),
                users: SQLiteUserStore(database: database),
                memory: SQLiteMemoryBackend(database: database),
                outbox: SQLiteOutbox(database: database)
            )
        }
    }
}
