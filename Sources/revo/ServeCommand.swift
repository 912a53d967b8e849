import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import RevoCore
import RevoDrivers
import RevoServer
import RevoSim
import ServiceLifecycle

/// `revo serve`: the backend over HTTP and WebSocket on embedded defaults.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the reVoAgent backend over HTTP and WebSocket.",
        discussion: """
            --dev runs fake model providers with the simulation's profiles (in real time) and, without a secret, \
            generates a JWT secret at start (tokens stop verifying when the process ends). Without --dev a secret of \
            at least 32 bytes is required: REVO_JWT_SECRET, or a file named by --jwt-secret-file / \
            REVO_JWT_SECRET_FILE. Data lives in --database (REVO_DATABASE; default sqlite:revo.db), the response cache in --cache \
            (REVO_CACHE; default memory, or redis://host:port/db). Other settings also \
            come from REVO_HOST, REVO_PORT and REVO_ALLOWED_ORIGINS (comma-separated).
            """
    )

    @Option(help: "Address to listen on (REVO_HOST).")
    var host: String?

    @Option(help: "Port to listen on, 0 for any free port (REVO_PORT).")
    var port: Int?

    @Option(help: "sqlite:PATH, postgres://user@host:port/database or memory (REVO_DATABASE; default sqlite:revo.db).")
    var database: String?

    @Option(help: "memory (in process, the default) or redis://[:password@]host[:port][/db] (REVO_CACHE).")
    var cache: String?

    @Option(
        help:
            "The provider chain, comma-separated in fallback order. Names given a --provider are served over HTTP; the others by fakes (--dev only). Default: the --provider names, or with none every fake. Known: \(FakeProviders.known)."
    )
    var providers: String?

    @Option(
        name: .customLong("provider"),
        help:
            "A model served over HTTP: NAME=URL[;model=M][;api=openai|anthropic] (repeatable), e.g. openai=http://127.0.0.1:9000/v1. Keys: REVO_PROVIDER_KEY_<NAME>, OPENAI_API_KEY, ANTHROPIC_API_KEY."
    )
    var remoteProviders: [String] = []

    @Option(name: .customLong("allow-origin"), help: "A browser origin allowed to call the API (repeatable; REVO_ALLOWED_ORIGINS).")
    var allowedOrigins: [String] = []

    @Option(name: .customLong("jwt-secret-file"), help: "File holding the JWT secret, at least 32 bytes (REVO_JWT_SECRET_FILE).")
    var jwtSecretFile: String?

    @Option(help: "Seed of the fake providers' random choices (default: drawn at start and logged).")
    var seed: UInt64?

    @Option(help: "Requests per client per minute before 429 (health routes exempt).")
    var rateLimit = 100

    @Option(help: "bcrypt work factor for passwords (10...31).")
    var bcryptCost: UInt8 = 12

    @Flag(help: "Development mode: fake providers; generates a JWT secret if none is given; says so at start.")
    var dev = false

    @Flag(help: "Serve the web client at / (always with --dev when its files are found).")
    var web = false

    @Option(help: "The web client's folder (default: web/ of the working directory or of the checkout revo was built in).")
    var webRoot: String?

    @Option(help: "With --dev: multiplies the fake models' load times (0 < f <= 1), as a live run on a compressed timeline does.")
    var devLoadScale = 1.0

    func validate() throws {
        guard devLoadScale > 0, devLoadScale <= 1 else {
            throw ValidationError("--dev-load-scale must be in (0, 1], got \(devLoadScale)")
        }
        if devLoadScale != 1, !dev { throw ValidationError("--dev-load-scale applies to --dev only") }
        guard (1...1_000_000).contains(rateLimit) else {
            throw ValidationError("--rate-limit must be between 1 and 1000000 requests per minute, got \(rateLimit)")
        }
        guard (10...31).contains(bcryptCost) else {
            throw ValidationError("--bcrypt-cost must be between 10 and 31, got \(bcryptCost)")
        }
        if port == nil, let text = ProcessEnvironment.value("REVO_PORT"), Int(text) == nil {
            throw ValidationError("REVO_PORT must be a port number between 0 and 65535, got '\(text)'")
        }
        if let port = resolvedPort, !(0...65_535).contains(port) {
            throw ValidationError("--port must be between 0 (any free port) and 65535, got \(port)")
        }
        for origin in resolvedOrigins where origin == "*" || !(origin.hasPrefix("http://") || origin.hasPrefix("https://")) {
            throw ValidationError("--allow-origin must be a full origin such as http://localhost:3000, got '\(origin)' (never *)")
        }
        _ = try resolvedDatabase()
        _ = try resolvedCache()
        if let webRoot, !WebRoot.holdsClient(webRoot) {
            throw ValidationError("--web-root \(webRoot): no web client there (index.html, api.js and app.js are needed)")
        }
        if web, webRoot == nil, WebRoot.locate() == nil {
            throw ValidationError("--web: the web client's folder was not found; give it with --web-root")
        }
        if !dev {
            guard try secretFromConfiguration() != nil else {
                throw ValidationError(
                    "production mode needs a JWT secret of at least 32 bytes: set REVO_JWT_SECRET or --jwt-secret-file (or REVO_JWT_SECRET_FILE); --dev generates one"
                )
            }
        }
        _ = try chain()
    }

    /// The provider chain in order, and which of its names are served over HTTP.
    private func chain() throws -> (ids: [ProviderID], remote: [ProviderID: RemoteProvider]) {
        var remote: [ProviderID: RemoteProvider] = [:]
        var remoteOrder: [ProviderID] = []
        for text in remoteProviders {
            let provider = try RemoteProvider.parse(text)
            guard remote[provider.id] == nil else { throw ValidationError("--provider \(provider.id) is given twice") }
            remote[provider.id] = provider
            remoteOrder.append(provider.id)
        }
        let ids: [ProviderID]
        if let providers {
            ids = try FakeProviders.ids(providers, alsoKnown: remoteOrder)
        } else {
            ids = remoteOrder.isEmpty ? FakeProviders.all : remoteOrder
        }
        for id in ids where remote[id] == nil && !dev {
            throw ValidationError(
                "production mode serves every provider over HTTP: give --provider \(id)=URL, or run with --dev for fake providers"
            )
        }
        return (ids, remote)
    }

    private var resolvedPort: Int? {
        port ?? ProcessEnvironment.value("REVO_PORT").flatMap(Int.init)
    }

    private var resolvedOrigins: [String] {
        let fromEnvironment =
            ProcessEnvironment.value("REVO_ALLOWED_ORIGINS")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        let origins = allowedOrigins + fromEnvironment
        return origins.isEmpty ? ServerConfiguration.developmentOrigins : origins
    }

    private func resolvedDatabase() throws -> DatabaseLocation {
        try Self.parsed(database ?? ProcessEnvironment.value("REVO_DATABASE") ?? "sqlite:revo.db", as: DatabaseLocation.init(parsing:))
    }

    private func resolvedCache() throws -> CacheLocation {
        try Self.parsed(cache ?? ProcessEnvironment.value("REVO_CACHE") ?? "memory", as: CacheLocation.init(parsing:))
    }

    /// A setting parsed by its own type; its error becomes a usage error (exit 64) with the type's message.
    private static func parsed<T, Failure: Error & CustomStringConvertible>(
        _ text: String,
        as parse: (String) throws(Failure) -> T
    ) throws -> T {
        do {
            return try parse(text)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The secret from the environment or a file, checked for length; nil when none is configured.
    private func secretFromConfiguration() throws -> JWTSecret? {
        let bytes: [UInt8]
        if let path = jwtSecretFile ?? ProcessEnvironment.value("REVO_JWT_SECRET_FILE") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read the JWT secret file '\(path)'")
            }
            // A trailing newline from `echo` or an editor is not part of the secret.
            bytes = Array(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines).utf8)
        } else if let value = ProcessEnvironment.value("REVO_JWT_SECRET") {
            bytes = Array(value.utf8)
        } else {
            return nil
        }
        do {
            return try JWTSecret(bytes)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        var logger = Logger(label: "revo")
        let seed = self.seed ?? UInt64.random(in: 0...UInt64.max)
        logger[metadataKey: "seed"] = "\(seed)"
        // Unix time, so that timestamps written to the database stay meaningful across restarts; deadlines on one timer
        // thread rather than a sleeping task each.
        let clock = SystemClock(
            ContinuousClock(),
            startingAt: .nanoseconds(Int64(Date().timeIntervalSince1970 * 1e9)),
            deadlines: TimerThread.shared
        )
        let databaseLocation = try resolvedDatabase()
        let stores = StoreSet.open(databaseLocation)
        let cacheLocation = try resolvedCache()
        let (cache, redis) = cacheLocation.open(clock: clock)
        let chain = try chain()
        let httpClient = HTTPModelProvider.makeClient()
        let system = RevoSystem(
            // Identifiers must not repeat across restarts on one database, so the system's seed is fresh each start.
            configuration: RevoSystem.Configuration(seed: UInt64.random(in: 0...UInt64.max)),
            dependencies: RevoSystem.Dependencies(
                providers: try chain.ids.flatMap { id -> [any ModelProvider] in
                    if let remote = chain.remote[id] { return [remote.provider(client: httpClient)] }
                    return try FakeProviders.make([id], seed: seed, clock: clock, loadScale: devLoadScale)
                },
                probe: dev ? FakeProviders.machine : SystemResourceProbe(),
                conversations: stores.conversations,
                memoryPrimary: stores.memory,
                outbox: stores.outbox,
                cache: cache,
                clock: clock,
                starter: ConcurrentTaskStarter(),
                logger: logger,
                // With Redis, servers sharing it share their open circuits too.
                breakerBoard: redis.map { RedisBreakerBoard(client: $0) }
            )
        )
        let secret: JWTSecret
        if let configured = try secretFromConfiguration() {
            secret = configured
        } else {
            secret = JWTSecret.generate()
            logger.notice("development mode: generated a random JWT secret; tokens stop verifying when this process ends")
        }
        let configuration = ServerConfiguration(
            host: host ?? ProcessEnvironment.value("REVO_HOST") ?? "127.0.0.1",
            port: resolvedPort ?? 8000,
            allowedOrigins: resolvedOrigins,
            requestsPerMinute: rateLimit,
            webRoot: web || dev || webRoot != nil ? webRoot ?? WebRoot.locate() : nil
        )
        let served = chain.ids.map { chain.remote[$0].map { "\($0.id)=\($0.endpoint.baseURL)" } ?? "\($0) (fake)" }
        logger.notice(
            dev ? "development mode" : "production mode",
            metadata: [
                "providers": "\(served.joined(separator: ", "))",
                "allowed_origins": "\(configuration.allowedOrigins.joined(separator: ","))",
                "cache": "\(cacheLocation)",
                "database": "\(databaseLocation)",
                "web_client": "\(configuration.webRoot ?? "not served")",
            ]
        )
        let metrics = ServerMetrics()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        let app = RevoApplication.application(
            system: system,
            authentication: Authentication(
                tokens: await TokenService(secret: secret),
                users: stores.users,
                passwords: PasswordHasher(cost: bcryptCost)
            ),
            configuration: configuration,
            clock: clock,
            metrics: metrics,
            logger: logger
        ) { channel in
            // The bound port, which differs from the configured one with --port 0; written unbuffered, so that a script
            // or a test reading a pipe sees the line as soon as the server accepts connections.
            let port = channel.localAddress?.port ?? configuration.port
            FileHandle.standardOutput.write(Data("revo serving on http://\(configuration.host):\(port)\(dev ? " (development mode)" : "")\n".utf8))
        }
        // Services stop in reverse order: in-flight requests finish, then the system flushes the outbox, then the
        // PostgreSQL pool (if any) closes.
        let group = ServiceGroup(
            configuration: .init(
                services: (stores.postgres.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0)] } ?? [])
                    + [.init(service: RevoSystemService(system: system)), .init(service: app)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        await redis?.shutdown()
        try? await httpClient.shutdown()
    }
}
