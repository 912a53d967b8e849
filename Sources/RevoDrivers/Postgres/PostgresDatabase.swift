public import Logging
public import PostgresNIO
public import RevoCore
import Synchronization

/// One PostgreSQL database through PostgresNIO's connection pool, migrated to the current schema on first use.
///
/// `client.run()` must be running for any query to go out: `revo serve` runs it in its service group, tests in a task
/// group (see ``run()``). While the server is down, queries wait for a connection; the callers' dependency guards
/// bound that wait, and the pool reconnects by itself with backoff once the server is back.
public final class PostgresDatabase: Sendable {
    public let url: PostgresURL
    public let client: PostgresClient
    private let logger: Logger
    private let migrated: Migrated

    public init(_ url: PostgresURL, logger: Logger = Logger(label: "revo.postgres")) {
        self.url = url
        self.logger = logger
        var configuration = PostgresClient.Configuration(
            host: url.host,
            port: url.port,
            username: url.username,
            password: url.password,
            database: url.database,
            tls: .disable
        )
        configuration.options.connectTimeout = .seconds(2)
        configuration.options.maximumConnections = 8
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.migrated = Migrated()
    }

    /// Runs the connection pool until the task is cancelled.
    public func run() async {
        await client.run()
    }

    /// Runs `query` once the schema is in place; any failure as RevoCore's ``StoreError``.
    public func query(_ query: PostgresQuery) async throws(StoreError) -> PostgresRowSequence {
        try await migrateOnce()
        do {
            return try await client.query(query, logger: logger)
        } catch {
            throw PostgresErrorMapping.storeError(error)
        }
    }

    /// Runs `query` and decodes every row as `columns`, failures included, as ``StoreError``s.
    public func fetchAll<each Column: PostgresDecodable & Sendable>(
        _ query: PostgresQuery,
        as columns: (repeat each Column).Type
    ) async throws(StoreError) -> [(repeat each Column)] {
        let rows = try await self.query(query)
        var values: [(repeat each Column)] = []
        do {
            for try await row in rows.decode(columns) { values.append(row) }
        } catch {
            throw PostgresErrorMapping.storeError(error)
        }
        return values
    }

    /// Runs `body` in one transaction once the schema is in place; `body` gets the connection and the logger to
    /// pass to its queries.
    public func transaction(_ body: (PostgresConnection, Logger) async throws -> Void) async throws(StoreError) {
        try await migrateOnce()
        let logger = self.logger
        do {
            try await client.withTransaction(logger: logger) { connection in try await body(connection, logger) }
        } catch {
            throw PostgresErrorMapping.storeError(error)
        }
    }

    private func migrateOnce() async throws(StoreError) {
        guard !migrated.isDone else { return }
        do {
            try await PostgresSchema.migrate(client, logger: logger)
        } catch {
            throw PostgresErrorMapping.storeError(error)
        }
        migrated.markDone()
    }
}

/// Whether this process has brought the schema up to date (a cheap check before every query).
private final class Migrated: Sendable {
    private let done = Atomic(false)
    var isDone: Bool { done.load(ordering: .acquiring) }
    func markDone() { done.store(true, ordering: .releasing) }
}
