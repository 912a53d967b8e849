public import RevoCore

/// Every store the server needs, on one database.
public struct StoreSet: Sendable {
    public var conversations: any ConversationStore
    public var users: any UserStore
    public var memory: any MemoryBackend
    public var outbox: any MemoryOutbox
    /// The PostgreSQL pool behind the stores, whose ``PostgresDatabase/run()`` must be running; nil otherwise.
    public var postgres: PostgresDatabase?

    public init(
        conversations: any ConversationStore,
        users: any UserStore,
        memory: any MemoryBackend,
        outbox: any MemoryOutbox,
        postgres: PostgresDatabase? = nil
    ) {
        self.conversations = conversations
        self.users = users
        self.memory = memory
        self.outbox = outbox
        self.postgres = postgres
    }

    /// The stores at `location`. Never throws: a database that cannot be opened yet makes stores that report why on
    /// every call (and open it once they can), so the server starts degraded instead of not at all.
    ///
    /// With PostgreSQL the memory outbox is a local SQLite file (`outboxPath`): it must stay writable while the
    /// database is down, which is when it is needed.
    public static func open(_ location: DatabaseLocation, outboxPath: String = "revo-outbox.db") -> StoreSet {
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
                // This process alone writes the file, so recent history can be answered from memory.
                conversations: RecentHistoryStore(SQLiteConversationStore(database: database)),
                users: SQLiteUserStore(database: database),
                memory: SQLiteMemoryBackend(database: database),
                outbox: SQLiteOutbox(database: database)
            )
        case .postgres(let url):
            let database = PostgresDatabase(url)
            return StoreSet(
                conversations: PostgresConversationStore(database: database),
                users: PostgresUserStore(database: database),
                memory: PostgresMemoryBackend(database: database),
                outbox: SQLiteOutbox(database: SQLiteDatabase(path: outboxPath)),
                postgres: database
            )
        }
    }
}
