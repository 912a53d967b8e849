import Foundation
import RevoCore
import RevoDrivers
import RevoRuntime
import Testing

/// The real PostgreSQL `ci/test` starts: its URL, and a script that stops and starts it for outages.
enum TestPostgres {
    static var url: PostgresURL? {
        ProcessInfo.processInfo.environment["REVO_TEST_POSTGRES_URL"].flatMap { try? PostgresURL(parsing: $0) }
    }

    static var control: String? { ProcessInfo.processInfo.environment["REVO_TEST_POSTGRES_CTL"] }

    /// `stop` or `start` the server, waiting until it has (without holding one of the few cooperative threads).
    static func server(_ action: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(control))
        process.arguments = [action]
        let status = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        #expect(status == 0, "postgres-ctl \(action) failed")
    }

    /// A database whose pool runs for the length of `body`.
    static func withDatabase(_ body: @escaping @Sendable (PostgresDatabase) async throws -> Void) async throws {
        let database = PostgresDatabase(try #require(url))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            try await body(database)
        }
    }
}

// Serialized: one test stops and starts the whole server.
@Suite("PostgreSQL driver", .serialized, .enabled(if: TestPostgres.url != nil, "needs REVO_TEST_POSTGRES_URL (ci/test starts a server)"))
struct PostgresTests {
    static func unique(_ name: String) -> String { "\(name)-\(UUID().uuidString)" }

    @Test("conversations keep their order, an exchange lands together, a known message id is an update")
    func conversations() async throws {
        try await TestPostgres.withDatabase { database in
            let store = PostgresConversationStore(database: database)
            let conversation = Self.unique("c")
            try await store.ping()
            try await store.append(
                contentsOf: [
                    StoredMessage(id: conversation + "/q", conversationID: conversation, role: .user, content: "hello", createdAt: .seconds(1)),
                    StoredMessage(
                        id: conversation + "/a",
                        conversationID: conversation,
                        role: .assistant,
                        content: "hi",
                        provider: "mock",
                        createdAt: .seconds(1)
                    ),
                ]
            )
            try await store.append(
                StoredMessage(id: conversation + "/a", conversationID: conversation, role: .assistant, content: "edited", createdAt: .seconds(2))
            )
            let stored = try await store.messages(conversationID: conversation, limit: 10)
            #expect(stored.map(\.content) == ["hello", "edited"])
            #expect(stored.map(\.role) == [.user, .assistant])
            let last = try await store.messages(conversationID: conversation, limit: 1)
            #expect(last.map(\.content) == ["edited"])
        }
    }

    @Test("the ConversationStore contract holds for PostgreSQL")
    func conversationStoreContract() async throws {
        try await TestPostgres.withDatabase { database in
            let store = PostgresConversationStore(database: database)
            try await ConversationStoreContractTests.order(store)
            try await ConversationStoreContractTests.upsert(store)
            try await ConversationStoreContractTests.resentElsewhere(store)
        }
    }

    @Test("the MemoryBackend contract holds for PostgreSQL")
    func memoryBackendContract() async throws {
        try await TestPostgres.withDatabase { database in
            let backend = PostgresMemoryBackend(database: database)
            try await MemoryBackendContractTests.storeAndRead(backend)
            try await MemoryBackendContractTests.search(backend)
            try await MemoryBackendContractTests.usage(backend)
            // Eviction's case needs the table to itself: this suite runs one test at a time.
            _ = try await backend.count()
            _ = try await database.query("DELETE FROM memory_entries")
            try await MemoryBackendContractTests.eviction(PostgresMemoryBackend(database: database))
        }
    }

    @Test("usernames are unique in any letter case")
    func users() async throws {
        try await TestPostgres.withDatabase { database in
            let users = PostgresUserStore(database: database)
            let name = Self.unique("Ada")
            let ada = StoredUser(id: Self.unique("u"), username: name, passwordHash: "$2b$12$hash", createdAt: .seconds(5))
            // Results are bound first: #expect cannot yet take a call with typed throws.
            let created = try await users.create(ada)
            let again = try await users.create(StoredUser(id: Self.unique("u"), username: name.uppercased(), passwordHash: "x", createdAt: .zero))
            let byName = try await users.user(named: name.lowercased())
            let byID = try await users.user(id: ada.id)
            let nobody = try await users.user(id: "nobody")
            #expect(created == .created)
            #expect(again == .usernameTaken)
            #expect(byName == ada)
            #expect(byID == ada)
            #expect(nobody == nil)
        }
    }

    @Test("memories are found again by a new backend (loaded from the table); usage and eviction are written through")
    func memories() async throws {
        try await TestPostgres.withDatabase { database in
            let session = Self.unique("s")
            let backend = PostgresMemoryBackend(database: database)
            let embedding = HashedEmbedding()
            for (index, text) in ["the cache is redis", "the database is postgres", "deploy on fridays"].enumerated() {
                try await backend.store(
                    MemoryEntry(
                        id: "\(session)-\(index)",
                        content: text,
                        type: "knowledge",
                        sessionID: session,
                        metadata: ["n": "\(index)"],
                        createdAt: .seconds(Int64(index)),
                        embedding: embedding.embed(text)
                    )
                )
            }
            try await backend.recordUsage(of: "\(session)-1", success: true)

            let reopened = PostgresMemoryBackend(database: database)
            let query = MemoryQuery(embedding: embedding.embed("the database is postgres"), filter: MemoryFilter(sessionID: session), limit: 1)
            let found = try await reopened.search(query)
            #expect(found.first?.entry.id == "\(session)-1")
            #expect(found.first?.entry.usageCount == 1)
            #expect(found.first?.entry.metadata == ["n": "1"])
            let third = try await reopened.entry(id: "\(session)-2")
            #expect(third?.content == "deploy on fridays")
        }
    }

    @Test("SQLSTATEs map to unavailable when the server cannot serve, to failed for one statement")
    func errorMapping() {
        #expect(
            PostgresErrorMapping.storeError(sqlState: "57P01", message: "terminating connection due to administrator command")
                == .unavailable("postgres 57P01: terminating connection due to administrator command")
        )
        #expect(
            PostgresErrorMapping.storeError(sqlState: "08006", message: "connection failure") == .unavailable("postgres 08006: connection failure")
        )
        #expect(PostgresErrorMapping.storeError(sqlState: "23505", message: "duplicate key") == .failed("postgres 23505: duplicate key"))
    }

    @Test("a real outage: writes land in the outbox while PostgreSQL is stopped, and are replayed in order once it is back")
    func outage() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("revo-pg-outage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await TestPostgres.withDatabase { database in
            let session = Self.unique("outage")
            let clock = SystemClock(ContinuousClock())
            let primary = PostgresMemoryBackend(database: database)
            // Warmed first: the first call on a fresh pool connects, migrates and loads the table, which on a loaded
            // machine can take longer than the 500 ms the manager gives the primary. This test is about the outage.
            _ = try await primary.count()
            let memory = MemoryManager(
                primary: primary,
                fallback: InMemoryMemoryBackend(),
                outbox: SQLiteOutbox(database: SQLiteDatabase(path: directory.appendingPathComponent("outbox.db").path)),
                settings: MemoryManager.Settings(primaryTimeout: .milliseconds(500)),
                clock: clock
            )
            let conversations = PostgresConversationStore(database: database)
            func entry(_ index: Int) -> MemoryEntry {
                MemoryEntry(
                    id: "\(session)-\(index)",
                    content: "memory \(index)",
                    type: "task",
                    sessionID: session,
                    createdAt: .seconds(Int64(index)),
                    embedding: HashedEmbedding().embed("memory \(index)")
                )
            }
            let first = try await memory.store(entry(0))
            #expect(first == .primary)

            try await TestPostgres.server("stop")
            var durabilities: [MemoryManager.Durability] = []
            for index in 1...3 { durabilities.append(try await memory.store(entry(index))) }
            #expect(durabilities == [.outbox, .outbox, .outbox])
            #expect(await memory.health().status != .healthy)
            // The conversation store sees the outage as an error, not a hang (the caller's guard bounds the wait).
            await #expect(throws: (any Error).self) {
                try await withTimeout(after: .seconds(3), clock: ContinuousClock()) {
                    try await conversations.append(StoredMessage(id: session, conversationID: session, role: .user, content: "x", createdAt: .zero))
                }
            }

            try await TestPostgres.server("start")
            var replayed = 0
            // Patient: on a loaded machine the first call on the fresh pool can exceed the 500 ms timeout, and the
            // memory breaker then waits out its 5 s cooldown before the next try.
            for _ in 0..<200 where replayed < 3 {
                replayed += await memory.replayOutbox()
                if replayed < 3 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(replayed == 3)
            // A new backend reads the table itself: every acknowledged write is there, nothing twice.
            let stored = PostgresMemoryBackend(database: database)
            for index in 0...3 {
                let found = try await stored.entry(id: "\(session)-\(index)")
                #expect(found?.content == "memory \(index)")
            }
            let all = try await stored.search(
                MemoryQuery(embedding: HashedEmbedding().embed("memory"), filter: MemoryFilter(sessionID: session), limit: 100, minimumSimilarity: -1)
            )
            #expect(all.count == 4)
        }
    }

    @Test("while PostgreSQL is stopped, queries fail at once with the reason; once it is back, a fresh pool serves them")
    func failsFastWhileDown() async throws {
        try await TestPostgres.withDatabase { database in
            let store = PostgresConversationStore(database: database)
            try await store.ping()
            let before = ObjectIdentifier(database.client)

            try await TestPostgres.server("stop")
            // The first calls meet the outage in the pool (cut with 57P01, refused, or abandoned by their caller's
            // timeout); from then on the watch refuses calls without reaching the pool, soon with what its check found
            // (a connection reset while the server is still shutting down, then refused once it is gone).
            var refusal: String?
            var lastSeen: String?
            for _ in 0..<40 where refusal == nil {
                do {
                    try await withTimeout(after: .milliseconds(500), clock: ContinuousClock()) { try await store.ping() }
                } catch let error as StoreError {
                    if case .unavailable(let detail) = error {
                        lastSeen = detail
                        if detail.contains("is not answering (connecting failed: Connection refused") { refusal = detail }
                    }
                } catch {}
                if refusal == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            let url = try #require(TestPostgres.url)
            #expect(
                refusal?.hasPrefix("postgres \(url.host):\(url.port) is not answering (connecting failed: Connection refused)") == true,
                "\(refusal ?? "never refused; last: \(lastSeen ?? "nothing")")"
            )

            try await TestPostgres.server("start")
            var served = false
            for _ in 0..<100 where !served {
                do {
                    try await store.ping()
                    served = true
                } catch {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(served)
            // Not the pool that lived through the outage, whose reconnect backoff grows to a minute.
            #expect(ObjectIdentifier(database.client) != before)
        }
    }
}
