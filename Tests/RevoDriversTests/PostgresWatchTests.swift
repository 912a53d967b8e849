import RevoCore
import RevoDrivers
import Testing

/// The driver's outage handling needs no server: a port nothing listens on refuses every connect.
@Suite("PostgreSQL driver without a server")
struct PostgresWatchTests {
    @Test("a query the pool would hold while connects are refused fails with the reason, not at its caller's timeout")
    func refusedConnectsFailQueries() async throws {
        let database = PostgresDatabase(try PostgresURL(parsing: "postgres://revo@127.0.0.1:1/revo"))
        let store = PostgresConversationStore(database: database)
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            for attempt in 1...3 {
                let outcome: Result<Void, any Error>
                do {
                    // Without the watch the pool would hold the query for a minute, then fail it as its own breaker
                    // trips ("could not connect for a minute"); no timing is needed to tell the two apart.
                    try await store.ping()
                    outcome = .success(())
                } catch {
                    outcome = .failure(error)
                }
                guard case .failure(let error) = outcome, case .unavailable(let detail) = error as? StoreError else {
                    Issue.record("attempt \(attempt): \(outcome)")
                    continue
                }
                #expect(detail.contains("127.0.0.1:1 is not answering (connecting failed: Connection refused)"), "\(detail)")
            }
        }
    }
}
