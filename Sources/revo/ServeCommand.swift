import ArgumentParser
import AsyncHTTPClient
import Configuration
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import RevoCore
import RevoDrivers
import RevoRuntime
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
            at least 32 bytes is required: REVO_JWT_SECRET (or JWT_SECRET), or a file named by --jwt-secret-file. \
            Every setting comes from its flag, else its REVO_ environment variable (the seed's DATABASE_URL, REDIS_URL \
            and JWT_SECRET are accepted too), else the --config file (REVO_CONFIG); docs/configuration.md lists them.
            """
    )

    @Option(help: "A YAML file of settings, read after the flags and the environment (REVO_CONFIG).")
    var config: String?

    @Option(help: "Address to listen on (REVO_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on, 0 for any free port (REVO_PORT; default 8000).")
    var port: String?

    @Option(help: "sqlite:PATH, postgres://user@host:port/database or memory (REVO_DATABASE or DATABASE_URL; default sqlite:revo.db).")
    var database: String?

    @Option(help: "memory (in process, the default) or redis://[:password@]host[:port][/db] (REVO_CACHE or REDIS_URL).")
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

    @Option(help: "Requests per client per minute before 429, health routes exempt (REVO_RATE_LIMIT; default 100).")
    var rateLimit: String?

    @Option(help: "text, or json for one JSON object per log line (REVO_LOG_FORMAT; default text).")
    var logFormat: String?

    @Option(help: "true or false: an info line per request with route, status, duration and provider (REVO_ACCESS_LOG; default true).")
    var accessLog: String?

    @Option(
        name: .customLong("trusted-proxy"),
        help: "A reverse proxy's address range (CIDR, repeatable) whose Forwarded / X-Forwarded-For name the client (REVO_TRUSTED_PROXIES)."
    )
    var trustedProxies: [String] = []

    @Option(help: "OTLP/HTTP collector to send each chat's trace to, e.g. http://127.0.0.1:4318 (REVO_OTLP_ENDPOINT).")
    var otlpEndpoint: String?

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
        guard (10...31).contains(bcryptCost) else {
            throw ValidationError("--bcrypt-cost must be between 10 and 31, got \(bcryptCost)")
        }
        let settings = try settings()
        if let webRoot, !WebRoot.holdsClient(webRoot) {
            throw ValidationError("--web-root \(webRoot): no web client there (index.html, api.js and app.js are needed)")
        }
        if web, webRoot == nil, WebRoot.locate() == nil {
            throw ValidationError("--web: the web client's folder was not found; give it with --web-root")
        }
        if !dev, settings.secret == nil {
            throw ValidationError(
                "production mode needs a JWT secret of at least 32 bytes: set REVO_JWT_SECRET (or JWT_SECRET) or --jwt-secret-file (or REVO_JWT_SECRET_FILE); --dev generates one"
            )
        }
        _ = try chain()
    }

    /// Every setting from its flag, the environment or the --config file, checked.
    private func settings() throws -> ServeSettings {
        var flags: [ServeSetting: ConfigContent] = [:]
        flags[.host] = host.map(ConfigContent.string)
        flags[.port] = port.map(ConfigContent.string)
        flags[.database] = database.map(ConfigContent.string)
        flags[.cache] = cache.map(ConfigContent.string)
        flags[.allowedOrigins] = allowedOrigins.isEmpty ? nil : .stringArray(allowedOrigins)
        flags[.jwtSecretFile] = jwtSecretFile.map(ConfigContent.string)
        flags[.rateLimit] = rateLimit.map(ConfigContent.string)
        flags[.logFormat] = logFormat.map(ConfigContent.string)
        flags[.accessLog] = accessLog.map(ConfigContent.string)
        flags[.trustedProxies] = trustedProxies.isEmpty ? nil : .stringArray(trustedProxies)
        flags[.otlpEndpoint] = otlpEndpoint.map(ConfigContent.string)
        let environment = ProcessInfo.processInfo.environment
        let configuration = try ServeConfiguration(flags: flags, environment: environment, file: config ?? environment["REVO_CONFIG"])
        return try ServeSettings(configuration)
    }

    /// The provider chain in order, and which of its names are served over HTTP.
    /// The providers to serve, in order, and the ones of them served over HTTP.
    typealias Chain = (ids: [ProviderID], remote: [ProviderID: RemoteProvider])

    private func chain() throws -> Chain {
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
        let settings = try settings()
        if settings.jsonLogs { JSONLogLine.enable() }
        for warning in settings.warnings { logger.warning("\(warning)") }
        let stores = StoreSet.open(settings.database)
        let (cache, redis) = settings.cache.open(clock: clock)
        let chain = try chain()
        let httpClient = HTTPModelProvider.makeClient()
        let system = try system(chain: chain, stores: stores, cache: cache, redis: redis, seed: seed, clock: clock, http: httpClient, logger: logger)
        let configuration = serverConfiguration(settings, http: httpClient, logger: logger)
        logStart(settings, chain: chain, configuration: configuration, logger: logger)
        let app = try await application(
            system: system,
            users: stores.users,
            settings: settings,
            configuration: configuration,
            clock: clock,
            logger: logger
        )
        // Services stop in reverse order: in-flight requests finish, then the system flushes the outbox, then the
        // PostgreSQL pool (if any) closes.
        let group = ServiceGroup(
            configuration: .init(
                services: (stores.postgres.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0)] } ?? [])
                    + [.init(service: RevoSystemService(system: system))]
                    // After the server in shutdown order: the last requests' spans are sent too.
                    + (configuration.tracer.map { [.init(service: TracerFlushService(tracer: $0))] } ?? [])
                    + [.init(service: app)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        await redis?.shutdown()
        try? await httpClient.shutdown()
    }

    /// The system over the chain's providers (remote ones over HTTP, the others `--dev` fakes) and the stores.
    private func system(
        chain: Chain,
        stores: StoreSet,
        cache: (any Cache)?,
        redis: RedisClient?,
        seed: UInt64,
        clock: SystemClock,
        http: HTTPClient,
        logger: Logger
    ) throws -> RevoSystem {
        RevoSystem(
            // Identifiers must not repeat across restarts on one database, so the system's seed is fresh each start.
            configuration: RevoSystem.Configuration(seed: UInt64.random(in: 0...UInt64.max)),
            dependencies: RevoSystem.Dependencies(
                providers: try chain.ids.flatMap { id -> [any ModelProvider] in
                    if let remote = chain.remote[id] { return [remote.provider(client: http)] }
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
    }

    private func serverConfiguration(_ settings: ServeSettings, http: HTTPClient, logger: Logger) -> ServerConfiguration {
        ServerConfiguration(
            host: settings.host,
            port: settings.port,
            allowedOrigins: settings.allowedOrigins,
            requestsPerMinute: settings.rateLimit,
            webRoot: web || dev || webRoot != nil ? webRoot ?? WebRoot.locate() : nil,
            trustedProxies: settings.trustedProxies,
            accessLog: settings.accessLog,
            tracer: settings.otlpEndpoint.map { endpoint in
                RevoTracer(exporter: OTLPHTTPExporter(endpoint: endpoint, client: http)) { [logger] error in
                    logger.warning("trace export failed; the batch is dropped", metadata: ["error": "\(error)"])
                }
            }
        )
    }

    private func logStart(
        _ settings: ServeSettings,
        chain: Chain,
        configuration: ServerConfiguration,
        logger: Logger
    ) {
        let served = chain.ids.map { chain.remote[$0].map { "\($0.id)=\($0.endpoint.baseURL)" } ?? "\($0) (fake)" }
        logger.notice(
            dev ? "development mode" : "production mode",
            metadata: [
                "providers": "\(served.joined(separator: ", "))",
                "allowed_origins": "\(configuration.allowedOrigins.joined(separator: ","))",
                "cache": "\(settings.cache)",
                "database": "\(settings.database)",
                "web_client": "\(configuration.webRoot ?? "not served")",
                "trusted_proxies": "\(settings.trustedProxies.ranges.map(\.description).joined(separator: ","))",
                "traces": "\(settings.otlpEndpoint ?? "off")",
            ]
        )
    }

    /// The HTTP application with its token service (the configured secret, or in development a random one), metrics
    /// exported to Prometheus, and the line that tells a script or a test which port it is serving on.
    private func application(
        system: RevoSystem,
        users: any UserStore,
        settings: ServeSettings,
        configuration: ServerConfiguration,
        clock: SystemClock,
        logger: Logger
    ) async throws -> some ServiceLifecycle.Service {
        let secret: JWTSecret
        if let configured = settings.secret {
            secret = configured
        } else {
            secret = JWTSecret.generate()
            logger.notice("development mode: generated a random JWT secret; tokens stop verifying when this process ends")
        }
        let metrics = ServerMetrics()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        return RevoApplication.application(
            system: system,
            authentication: Authentication(tokens: await TokenService(secret: secret), users: users, passwords: PasswordHasher(cost: bcryptCost)),
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
    }
}
