import Foundation
import GRDB
import RevoCore
import RevoRuntime
import Testing

@testable import RevoDrivers

@Suite("SQLite stores")
struct SQLiteStoreTests {
    /// A fresh database file in its own directory, removed afterwards.
    static func withDatabase(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("revo-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory.appendingPathComponent("revo.db").path)
    }

    /// Writes a file at an earlier schema `version`, filled by `fill`, and closes it: what an upgrade opens.
    static func writeOldFile(at path: String, upTo version: String, _ fill: @escaping @Sendable (Database) throws -> Void) async throws {
        let old = try DatabasePool(path: path)
        try SQLiteSchema.migrator.migrate(old, upTo: version)
        try await old.write(fill)
        try old.close()
    }

    static func memory(_ id: String, _ text: String, session: String? = nil) -> MemoryEntry {
        MemoryEntry(
            id: id,
            content: text,
            type: "conversation",
            sessionID: session,
            metadata: ["b": "2", "a": "1"],
            createdAt: .seconds(1_700_000_000),
            embedding: HashedEmbedding().embed(text)
        )
    }

    @Test("conversations survive a reopen, in order, and an append with a known message id replaces it")
    func conversations() async throws {
        try await Self.withDatabase { path in
            let store = SQLiteConversationStore(database: SQLiteDatabase(path: path))
            try await store.ping()
            for (i, role) in [StoredMessage.Role.user, .assistant, .user].enumerated() {
                try await store.append(StoredMessage(id: "m\(i)", conversationID: "c1", role: role, content: "text \(i)", createdAt: .seconds(i)))
            }
            try await store.append(
                StoredMessage(id: "m1", conversationID: "c1", role: .assistant, content: "edited", provider: "openai", createdAt: .seconds(1))
            )

            let reopened = SQLiteConversationStore(database: SQLiteDatabase(path: path))
            let all = try await reopened.messages(conversationID: "c1", limit: 10)
            #expect(all.map(\.id) == ["m0", "m1", "m2"])
            #expect(all[1].content == "edited" && all[1].provider == "openai")
            // "Everything", as the scenario runner asks for it.
            #expect(try await reopened.messages(conversationID: "c1", limit: .max).map(\.id) == ["m0", "m1", "m2"])
            let value1 = try await reopened.messages(conversationID: "c1", limit: 2)
            #expect(value1.map(\.id) == ["m1", "m2"])
            let value2 = try await reopened.messages(conversationID: "other", limit: 10)
            #expect(value2.isEmpty)
        }
    }

    @Test("a conversation row is created at its first batch's earliest message and updated to the latest message of any batch")
    func conversationTimes() async throws {
        try await Self.withDatabase { path in
            let database = SQLiteDatabase(path: path)
            let store = SQLiteConversationStore(database: database)
            // One batch, two conversations, times out of order.
            try await store.append(contentsOf: [
                StoredMessage(id: "a2", conversationID: "a", role: .user, content: "x", createdAt: .seconds(20)),
                StoredMessage(id: "b1", conversationID: "b", role: .user, content: "x", createdAt: .seconds(5)),
                StoredMessage(id: "a1", conversationID: "a", role: .assistant, content: "x", createdAt: .seconds(10)),
            ])
            // A later batch moves only the update time; an older message does not move it back.
            try await store.append(StoredMessage(id: "a3", conversationID: "a", role: .user, content: "x", createdAt: .seconds(30)))
            try await store.append(StoredMessage(id: "b0", conversationID: "b", role: .user, content: "x", createdAt: .seconds(1)))
            let rows = try await database.read { db in
                try Row.fetchAll(db, sql: "SELECT id, created_at_ns, updated_at_ns FROM conversations ORDER BY id").map {
                    "\($0[0] as String) \(($0[1] as Int64) / 1_000_000_000) \(($0[2] as Int64) / 1_000_000_000)"
                }
            }
            #expect(rows == ["a 10 30", "b 5 5"])
        }
    }

    @Test("a question and its answer are stored together, in order, and survive a reopen")
    func exchange() async throws {
        try await Self.withDatabase { path in
            let store = SQLiteConversationStore(database: SQLiteDatabase(path: path))
            try await store.append(
                contentsOf: [
                    StoredMessage(id: "q", conversationID: "c1", role: .user, content: "hello", createdAt: .seconds(1)),
                    StoredMessage(id: "a", conversationID: "c1", role: .assistant, content: "hi", provider: "mock", createdAt: .seconds(1)),
                ]
            )
            try await store.append(contentsOf: [])
            let stored = try await SQLiteConversationStore(database: SQLiteDatabase(path: path)).messages(conversationID: "c1", limit: 10)
            #expect(stored.map(\.id) == ["q", "a"])
            #expect(stored.map(\.role) == [.user, .assistant])
            #expect(stored.last?.provider == "mock")
        }
    }

    @Test("exchanges appended at once, which share transactions, are all stored, each question before its answer")
    func concurrentExchanges() async throws {
        try await Self.withDatabase { path in
            let store = SQLiteConversationStore(database: SQLiteDatabase(path: path))
            try await withThrowingTaskGroup { group in
                for exchange in 0..<40 {
                    group.addTask {
                        let conversation = "c\(exchange % 4)"
                        try await store.append(
                            contentsOf: [
                                StoredMessage(
                                    id: "\(exchange).q",
                                    conversationID: conversation,
                                    role: .user,
                                    content: "q\(exchange)",
                                    createdAt: .seconds(1)
                                ),
                                StoredMessage(
                                    id: "\(exchange).a",
                                    conversationID: conversation,
                                    role: .assistant,
                                    content: "a\(exchange)",
                                    createdAt: .seconds(1)
                                ),
                            ]
                        )
                    }
                }
                try await group.waitForAll()
            }
            for conversation in 0..<4 {
                let stored = try await store.messages(conversationID: "c\(conversation)", limit: 100)
                let exchanges = Set(stride(from: conversation, to: 40, by: 4))
                #expect(stored.count == 20)
                #expect(Set(stored.map(\.id)) == Set(exchanges.flatMap { ["\($0).q", "\($0).a"] }))
                for exchange in exchanges {
                    let question = stored.firstIndex { $0.id == "\(exchange).q" }
                    let answer = stored.firstIndex { $0.id == "\(exchange).a" }
                    #expect(question.map { $0 + 1 } == answer)
                }
            }
        }
    }

    @Test("the file is in WAL mode and migrated once")
    func schema() async throws {
        try await Self.withDatabase { path in
            let database = SQLiteDatabase(path: path)
            let pool = try database.pool()
            let mode = try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal")
            // Opening again runs no migration twice.
            _ = try SQLiteDatabase(path: path).pool()
            let applied = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") }
            #expect(applied == 3)
        }
    }

    @Test("a v1 file's messages are chained on upgrade: history reads as before, and appends continue each conversation")
    func upgradeFromV1() async throws {
        try await Self.withDatabase { path in
            try await Self.writeOldFile(at: path, upTo: SQLiteSchema.initial) { db in
                for conversation in ["a", "b", "empty"] {
                    try db.execute(sql: "INSERT INTO conversations VALUES (?, 0, 0)", arguments: [conversation])
                }
                // Interleaved, as concurrent chats write them.
                for (i, conversation) in ["a", "b", "a", "a", "b"].enumerated() {
                    try db.execute(
                        sql: "INSERT INTO messages (id, conversation_id, role, content, created_at_ns) VALUES (?, ?, 'user', ?, ?)",
                        arguments: ["\(conversation)\(i)", conversation, "text \(i)", i]
                    )
                }
            }

            let store = SQLiteConversationStore(database: SQLiteDatabase(path: path))
            #expect(try await store.messages(conversationID: "a", limit: 10).map(\.id) == ["a0", "a2", "a3"])
            #expect(try await store.messages(conversationID: "a", limit: 2).map(\.id) == ["a2", "a3"])
            #expect(try await store.messages(conversationID: "b", limit: 10).map(\.content) == ["text 1", "text 4"])
            #expect(try await store.messages(conversationID: "empty", limit: 10).isEmpty)
            try await store.append(StoredMessage(id: "a5", conversationID: "a", role: .assistant, content: "new", createdAt: .seconds(5)))
            try await store.append(StoredMessage(id: "e1", conversationID: "empty", role: .user, content: "first", createdAt: .seconds(6)))
            #expect(try await store.messages(conversationID: "a", limit: 3).map(\.id) == ["a2", "a3", "a5"])
            #expect(try await store.messages(conversationID: "b", limit: 10).map(\.id) == ["b1", "b4"])
            #expect(try await store.messages(conversationID: "empty", limit: 10).map(\.id) == ["e1"])
        }
    }

    @Test("a v2 file's messages keep their seq in v3, which has no AUTOINCREMENT, and new ones follow the largest")
    func upgradeFromV2() async throws {
        try await Self.withDatabase { path in
            try await Self.writeOldFile(at: path, upTo: SQLiteSchema.chainedMessages) { db in
                try db.execute(sql: "INSERT INTO conversations (id, created_at_ns, updated_at_ns) VALUES ('a', 0, 0)")
                for (seq, id) in [(3, "a1"), (7, "a2")] {
                    try db.execute(
                        sql: """
                            INSERT INTO messages (seq, id, conversation_id, prev_seq, role, content, created_at_ns)
                            VALUES (?, ?, 'a', (SELECT last_seq FROM conversations WHERE id = 'a'), 'user', ?, ?)
                            """,
                        arguments: [seq, id, "text \(id)", seq]
                    )
                }
            }

            let database = SQLiteDatabase(path: path)
            let store = SQLiteConversationStore(database: database)
            #expect(try await store.messages(conversationID: "a", limit: 10).map(\.id) == ["a1", "a2"])
            try await store.append(StoredMessage(id: "a3", conversationID: "a", role: .assistant, content: "new", createdAt: .seconds(9)))
            let (schema, seqs) = try await database.read { db in
                (
                    try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'messages'") ?? "",
                    try Int.fetchAll(db, sql: "SELECT seq FROM messages ORDER BY seq")
                )
            }
            #expect(!schema.uppercased().contains("AUTOINCREMENT"))
            #expect(seqs == [3, 7, 8])
            #expect(try await store.messages(conversationID: "a", limit: 2).map(\.id) == ["a2", "a3"])
        }
    }

    @Test("a resend keeps its message's place, even under another conversation's id, and limits of 0 and 1 read nothing and the latest")
    func chainEdges() async throws {
        try await Self.withDatabase { path in
            let store = SQLiteConversationStore(database: SQLiteDatabase(path: path))
            try await store.append(contentsOf: [
                StoredMessage(id: "x1", conversationID: "x", role: .user, content: "one", createdAt: .seconds(1)),
                StoredMessage(id: "y1", conversationID: "y", role: .user, content: "one", createdAt: .seconds(1)),
                StoredMessage(id: "x2", conversationID: "x", role: .assistant, content: "two", createdAt: .seconds(2)),
            ])
            // The id is x's: the message stays in x, edited, and y's history does not grow.
            try await store.append(StoredMessage(id: "x1", conversationID: "y", role: .user, content: "edited", createdAt: .seconds(3)))
            #expect(try await store.messages(conversationID: "x", limit: 10).map(\.content) == ["edited", "two"])
            #expect(try await store.messages(conversationID: "y", limit: 10).map(\.id) == ["y1"])
            #expect(try await store.messages(conversationID: "x", limit: 0).isEmpty)
            #expect(try await store.messages(conversationID: "x", limit: -1).isEmpty)
            #expect(try await store.messages(conversationID: "x", limit: 1).map(\.id) == ["x2"])
        }
    }

    @Test("usernames are unique in any letter case")
    func users() async throws {
        try await Self.withDatabase { path in
            let users = SQLiteUserStore(database: SQLiteDatabase(path: path))
            let ada = StoredUser(id: "u1", username: "Ada", passwordHash: "$2b$...", createdAt: .seconds(5))
            let value3 = try await users.create(ada)
            #expect(value3 == .created)
            let value4 = try await users.create(StoredUser(id: "u2", username: "ADA", passwordHash: "x", createdAt: .zero))
            #expect(value4 == .usernameTaken)
            let value5 = try await users.user(named: "ada")
            #expect(value5 == ada)
            let value6 = try await users.user(id: "u1")
            #expect(value6 == ada)
            let value7 = try await users.user(id: "u2")
            #expect(value7 == nil)
        }
    }

    @Test("memories are searchable after a reopen; usage and eviction are written through")
    func memories() async throws {
        try await Self.withDatabase { path in
            let backend = SQLiteMemoryBackend(database: SQLiteDatabase(path: path))
            try await backend.store(Self.memory("a", "deploy the postgres failover plan", session: "s1"))
            try await backend.store(Self.memory("b", "the cache warms after a restart"))
            try await backend.store(Self.memory("c", "unrelated words about gardening"))
            try await backend.recordUsage(of: "a", success: true)

            let reopened = SQLiteMemoryBackend(database: SQLiteDatabase(path: path))
            let value8 = try await reopened.count()
            #expect(value8 == 3)
            let stored = try await reopened.entry(id: "a")
            #expect(
                stored
                    == {
                        var expected = Self.memory("a", "deploy the postgres failover plan", session: "s1")
                        expected.usageCount = 1
                        expected.successScore = 0.8 * 0.5 + 0.2
                        return expected
                    }()
            )
            let found = try await reopened.search(
                MemoryQuery(
                    embedding: HashedEmbedding().embed("postgres failover plan"),
                    filter: MemoryFilter(sessionID: "s1"),
                    minimumSimilarity: 0.1
                )
            )
            #expect(found.map(\.entry.id) == ["a"])

            let value9 = try await reopened.evictLowest(fraction: 0.34)
            #expect(value9 == 2)
            let afterEviction = SQLiteMemoryBackend(database: SQLiteDatabase(path: path))
            let value10 = try await afterEviction.count()
            #expect(value10 == 1)
            #expect(try await afterEviction.entry(id: "a") != nil)
        }
    }

    @Test("the outbox keeps order across a reopen and forgets what is acknowledged")
    func outbox() async throws {
        try await Self.withDatabase { path in
            let outbox = SQLiteOutbox(database: SQLiteDatabase(path: path))
            let first = try await outbox.append(Self.memory("a", "one"))
            let second = try await outbox.append(Self.memory("b", "two"))
            _ = try await outbox.append(Self.memory("c", "three"))
            #expect(second > first)

            let reopened = SQLiteOutbox(database: SQLiteDatabase(path: path))
            let value11 = try await reopened.pending(limit: 10)
            #expect(value11.map(\.entry.id) == ["a", "b", "c"])
            let value12 = try await reopened.pending(limit: 1)
            #expect(value12.first?.entry == Self.memory("a", "one"))
            try await reopened.acknowledge(through: second)
            let value13 = try await reopened.pending(limit: 10)
            #expect(value13.map(\.entry.id) == ["c"])
            let value14 = try await reopened.count()
            #expect(value14 == 1)
            // Sequence numbers are never reused, even after the rows are gone.
            let value15 = try await reopened.append(Self.memory("d", "four"))
            #expect(value15 > second + 1)
        }
    }

    @Test("a file that cannot be opened is unavailable with the path and SQLite's reason, and recovers once it can be")
    func unwritable() async throws {
        try await Self.withDatabase { path in
            // A path under a regular file cannot be created, even by root.
            let blocker = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("not-a-directory")
            _ = FileManager.default.createFile(atPath: blocker.path, contents: Data("x".utf8))
            let location = blocker.appendingPathComponent("revo.db").path
            let store = SQLiteConversationStore(database: SQLiteDatabase(path: location))
            let error = await #expect(throws: StoreError.self) { try await store.ping() }
            guard case .unavailable(let reason) = error else {
                Issue.record("expected unavailable, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("cannot open SQLite database at \(location)"))
            #expect(reason.contains("SQLITE_CANTOPEN") || reason.contains("unable to open"))

            // Make the path possible: the same store opens it on the next call.
            try FileManager.default.removeItem(at: blocker)
            try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)
            try await store.ping()
        }
    }

    @Test("--database values are parsed or refused with the allowed forms")
    func locations() throws {
        #expect(try DatabaseLocation(parsing: "sqlite:/tmp/x.db") == .sqlite(path: "/tmp/x.db"))
        #expect(try DatabaseLocation(parsing: "memory") == .memory)
        #expect(throws: DatabaseLocation.ParseError(value: "postgres")) { try DatabaseLocation(parsing: "postgres") }
        #expect(throws: DatabaseLocation.ParseError(value: "sqlite:")) { try DatabaseLocation(parsing: "sqlite:") }
    }

    @Test("recent history kept in process answers every read as the SQLite store does, through appends, resends and edits")
    func recentHistoryMatchesTheStore() async throws {
        try await Self.withDatabase { path in
            let database = SQLiteDatabase(path: path)
            let sqlite = SQLiteConversationStore(database: database)
            let cached = RecentHistoryStore(sqlite, messagesPerConversation: 6, byteBudget: 12_288)
            var random = SeededRandom(seed: 42)
            var sent: [String: [String]] = [:]
            for step in 0..<1_500 {
                let conversation = "c\(random.next() % 5)"
                switch random.next() % 10 {
                case 0...3:
                    // A chat's exchange under ids the service minted.
                    try await cached.append(contentsOf: [
                        StoredMessage(
                            id: "req-\(step).user",
                            conversationID: conversation,
                            role: .user,
                            content: "q\(step)",
                            createdAt: .seconds(step)
                        ),
                        StoredMessage(
                            id: "req-\(step).assistant",
                            conversationID: conversation,
                            role: .assistant,
                            content: String(repeating: "a", count: Int(random.next() % 300)),
                            provider: "mock",
                            createdAt: .seconds(step)
                        ),
                    ])
                case 4, 5:
                    // A client-keyed message: new, or a resend of any earlier one, recent or not, with new content.
                    let earlier = sent[conversation] ?? []
                    let id =
                        random.next() % 2 == 0 || earlier.isEmpty
                        ? "\(conversation)/m\(step).user" : earlier[Int(random.next() % UInt64(earlier.count))]
                    if !earlier.contains(id) { sent[conversation, default: []].append(id) }
                    try await cached.append(
                        StoredMessage(id: id, conversationID: conversation, role: .user, content: "edit \(step)", createdAt: .seconds(step))
                    )
                default:
                    let limit = Int(random.next() % 9)
                    let fromCache = try await cached.messages(conversationID: conversation, limit: limit)
                    let fromStore = try await sqlite.messages(conversationID: conversation, limit: limit)
                    #expect(fromCache.map(\.id) == fromStore.map(\.id), "step \(step)")
                    #expect(fromCache.map(\.content) == fromStore.map(\.content), "step \(step)")
                }
            }
            let (hits, misses) = cached.statistics
            #expect(hits > misses, "most reads were answered from memory: \(hits) hits, \(misses) misses")
        }
    }
}
