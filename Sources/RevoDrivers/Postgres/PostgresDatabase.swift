public import Logging
public import PostgresNIO
public import RevoCore
public import ServiceLifecycle
import Synchronization

/// One PostgreSQL database through PostgresNIO's connection pool, migrated to the current schema on first use.
///
/// ``run()`` must be running for any query to go out: `revo serve` runs it in its service group, tests in a task
/// group. A ``PostgresServerWatch`` keeps outages cheap: once a check finds the server not answering, queries fail
/// at once (the callers' dependency guards degrade), and when it answers again a fresh pool replaces the old one,
/// which would otherwise keep waiting out its reconnect backoff.
public final class PostgresDatabase: ServiceLifecycle.Service, Sendable {
    public let url: PostgresURL
    private let configuration: PostgresClient.Configuration
    /// The watch's single connection attempt: the pool's settings, with a shorter connect timeout.
    private let probeConfiguration: PostgresConnection.Configuration
    private let logger: Logger
    private let migrated: Migrated
    private let watch: PostgresServerWatch
    private let pool: Mutex<PostgresClient>
    /// Each pool to run, the first one included; ``run()`` retires the previous one when the next arrives.
    private let pools = AsyncStream.makeStream(of: PostgresClient.self)

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
        self.configuration = configuration
        // PostgresNIO has no public conversion between its two configuration types.
        var probeConfiguration = PostgresConnection.Configuration(
            host: url.host,
            port: url.port,
            username: url.username,
            password: url.password,
            database: url.database,
            tls: .disable
        )
        probeConfiguration.options.connectTimeout = .seconds(1)
        self.probeConfiguration = probeConfiguration
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.pool = Mutex(client)
        self.pools.continuation.yield(client)
        self.migrated = Migrated()
        self.watch = PostgresServerWatch(address: "\(url.host):\(url.port)", logger: logger)
    }

    /// How long a call may wait before the watch checks whether the server still answers. Well above a healthy
    /// query's few milliseconds; far below the callers' timeouts (2 s), which an outage would otherwise cost each call.
    static let patience = Duration.milliseconds(250)

    /// The connection pool queries go to now.
    public var client: PostgresClient { pool.withLock { $0 } }

    /// Runs the connection pool, and the watch that replaces it after an outage, until cancelled or shut down.
    public func run() async {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    await self.watch.run(interval: .milliseconds(200), probe: { await self.probe() }, whenBack: { self.replacePool() })
                }
                var retire: AsyncStream<Void>.Continuation?
                for await client in self.pools.stream {
                    retire?.finish()
                    let (retired, continuation) = AsyncStream.makeStream(of: Void.self)
                    retire = continuation
                    group.addTask {
                        // Until this pool is retired (its queued queries then fail as the pool closes) or all stops.
                        await withTaskGroup(of: Void.self) { pool in
                            pool.addTask { await client.run() }
                            pool.addTask { for await _ in retired {} }
                            await pool.next()
                            pool.cancelAll()
                        }
                    }
                }
                retire?.finish()
            }
        }
    }

    private func replacePool() {
        let fresh = PostgresClient(configuration: configuration, backgroundLogger: logger)
        pool.withLock { $0 = fresh }
        pools.continuation.yield(fresh)
    }

    /// One real connection attempt, startup and authentication included: nil when it succeeds, else why not.
    private func probe() async -> String? {
        let (attempt, logger) = (probeConfiguration, self.logger)
        // The connect timeout covers TCP only; a server (or proxy) that accepts and then stays silent is bounded here.
        return await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    let connection = try await PostgresConnection.connect(configuration: attempt, id: 0, logger: logger)
                    try? await connection.close()
                    return nil
                } catch let error as PSQLError where error.code == .connectionError {
                    return "connecting failed: \(Self.connectFailure(error.underlying))"
                } catch {
                    return "\(PostgresErrorMapping.storeError(error))"
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(1))
                return "no answer to a connection attempt within 1s"
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// The system's words for a failed connect ("Connection refused"), not NIO's nested description of it.
    private static func connectFailure(_ error: (any Error)?) -> String {
        var error = error
        if let attempts = error as? NIOConnectionError {
            error = attempts.connectionErrors.last?.error ?? attempts.dnsAAAAError ?? attempts.dnsAError
        }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        return error.map { "\($0)" } ?? "no reason given"
    }

    /// Fails at once while the watch knows the server is not answering.
    private func refuseWhileDown() throws(StoreError) {
        if let refusal = watch.refusal { throw refusal }
    }

    /// `error` as a ``StoreError``; one the server's absence explains makes the watch check the server.
    private func failure(_ error: any Error) -> StoreError {
        let mapped = PostgresErrorMapping.storeError(error)
        switch mapped {
        case .unavailable(let detail): watch.suspect(detail)
        case .timeout: watch.suspect(nil)
        case .failed: break
        }
        return mapped
    }

    /// Runs `query` once the schema is in place; any failure as RevoCore's ``StoreError``.
    public func query(_ query: PostgresQuery) async throws(StoreError) -> PostgresRowSequence {
        try refuseWhileDown()
        try await migrateOnce()
        let (client, logger) = (self.client, self.logger)
        do {
            return try await watch.bounding(patience: Self.patience) { try await client.query(query, logger: logger) }
        } catch {
            throw failure(error)
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
            throw failure(error)
        }
        return values
    }

    /// Runs `body` in one transaction once the schema is in place; `body` gets the connection and the logger to
    /// pass to its queries.
    public func transaction(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> Void) async throws(StoreError) {
        try refuseWhileDown()
        try await migrateOnce()
        let (client, logger) = (self.client, self.logger)
        do {
            try await watch.bounding(patience: Self.patience) {
                try await client.withTransaction(logger: logger) { connection in try await body(connection, logger) }
            }
        } catch {
            throw failure(error)
        }
    }

    private func migrateOnce() async throws(StoreError) {
        guard !migrated.isDone else { return }
        let (client, logger) = (self.client, self.logger)
        do {
            try await watch.bounding(patience: Self.patience) { try await PostgresSchema.migrate(client, logger: logger) }
        } catch {
            throw failure(error)
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
