import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import PostgresNIO
import RevoCore
import RevoDrivers
import RevoFaultProxy
import RevoRuntime
public import RevoScenarios
import RevoServer
import RevoSim
import Synchronization

/// Live mode: the scenario against a real `revo serve` over loopback, with real PostgreSQL and Redis behind fault
/// proxies, the fault timeline applied through the proxies and by stopping and starting PostgreSQL, the workload sent
/// over HTTP at its intended times (latency counted from them), and the same reports as the simulation, marked live.
///
/// Without URLs it starts throwaway PostgreSQL and Redis servers on free loopback ports and removes them afterwards.
public struct LiveRunner: Sendable {
    public struct Options: Sendable {
        /// The `revo` executable that serves (this one, normally).
        public var executable: URL
        /// Where logs and the throwaway servers' files go.
        public var folder: URL
        public var postgresURL: String?
        public var redisURL: String?
        /// Multiplies the scenario's timeline (duration, fault times, bursts): 0.1 runs a 10-minute scenario in one.
        /// The server's own timers (breakers, timeouts) are real time and unscaled.
        public var timeScale: Double
        /// A running server to drive instead of starting one. Its dependencies are not behind this run's proxies, so
        /// no fault is applied (each reports so and never fires); `postgresURL`, when given, is only read to look up
        /// the acknowledged memory writes, and `REVO_JWT_SECRET`, when set, mints the expired-token probe.
        public var serveURL: String?
        /// Called every second while a scenario runs (see ``LiveProgress``).
        public var progress: (@Sendable (LiveProgress) -> Void)?

        public init(
            executable: URL,
            folder: URL,
            postgresURL: String? = nil,
            redisURL: String? = nil,
            timeScale: Double = 1,
            serveURL: String? = nil,
            progress: (@Sendable (LiveProgress) -> Void)? = nil
        ) {
            self.executable = executable
            self.folder = folder
            self.postgresURL = postgresURL
            self.redisURL = redisURL
            self.timeScale = timeScale
            self.serveURL = serveURL
            self.progress = progress
        }
    }

    let options: Options
    private let logger: Logger

    public init(options: Options, logger: Logger = Logger(label: "revo.live")) {
        self.options = options
        self.logger = logger
    }

    public func run(_ original: Scenario, seed: UInt64? = nil) async throws(LiveError) -> ScenarioRun {
        let scenario = original.scaled(by: options.timeScale)
        let seed = seed ?? scenario.seed
        if let serveURL = options.serveURL { return try await run(scenario, seed: seed, against: serveURL) }
        let services = try Self.servicesFolder(for: scenario, in: options.folder)
        // Dependencies: given, or throwaway ones this run owns.
        let localPostgres = try options.postgresURL == nil ? LocalPostgres.start(in: services) : nil
        defer {
            // The throwaway servers' data goes; the logs next to the reports stay.
            try? localPostgres?.stop()
            localPostgres?.discard()
        }
        let localRedis = try options.redisURL == nil ? LocalRedis.start(in: services) : nil
        defer { localRedis?.stop() }
        let postgres = try Self.parsePostgres(options.postgresURL ?? localPostgres!.url)
        let redis = try Self.parseRedis(options.redisURL ?? localRedis!.url)
        let stage = LiveStage(proxy: FaultProxy(seed: seed), http: Self.makeClient(), services: services)
        do throws(LiveError) {
            let ports = try await Self.proxies(postgres: postgres, redis: redis, on: stage.proxy)
            let upstreams = try await startUpstreams(scenario, seed: seed, on: stage)
            let faults = LiveFaults(proxy: stage.proxy, postgres: localPostgres, upstreams: upstreams.admins)
            let secret = Self.randomSecret()
            let serve = try await startServe(
                scenario,
                seed: seed,
                database: Self.connectionString(postgres, port: ports.postgres),
                cache: "redis://\(redis.password.map { ":\($0)@" } ?? "")127.0.0.1:\(ports.redis)/\(redis.database)",
                remoteArguments: upstreams.arguments,
                secret: secret,
                on: stage
            )
            var run = try await exercise(scenario, seed: seed, serve: serve, secret: secret, faults: faults, on: stage)
            // Stopped first and gracefully: its outbox is flushed before the writes are checked.
            await serve.stop()
            run.faults = await faults.tallies(scenario.faults)
            run.lostWrites = try await lostWrites(run.metrics.acknowledgedWrites, postgres: postgres)
            await stage.stop()
            return run
        } catch {
            await stage.stop()
            throw error
        }
    }

    /// A fresh folder for the run's services (their data, logs and the server's outbox).
    private static func servicesFolder(for scenario: Scenario, in folder: URL) throws(LiveError) -> URL {
        let services = folder.appendingPathComponent("services-\(scenario.name)")
        try? FileManager.default.removeItem(at: services)
        do { try FileManager.default.createDirectory(at: services, withIntermediateDirectories: true) } catch {
            throw LiveError("cannot create \(services.path): \(error.localizedDescription)")
        }
        return services
    }

    /// A proxy in front of PostgreSQL and one in front of Redis, so faults act on the real connections; their ports.
    private static func proxies(postgres: PostgresURL, redis: RedisURL, on proxy: FaultProxy) async throws(LiveError) -> (postgres: Int, redis: Int) {
        do {
            let postgresPort = try await proxy.create(
                ProxyDefinition(name: LiveFaults.postgresProxy, listen: "127.0.0.1:0", upstream: "\(postgres.host):\(postgres.port)")
            ).listenPort
            let redisPort = try await proxy.create(
                ProxyDefinition(name: LiveFaults.redisProxy, listen: "127.0.0.1:0", upstream: "\(redis.host):\(redis.port)")
            ).listenPort
            return (postgresPort, redisPort)
        } catch {
            throw LiveError("cannot start the fault proxies: \(error)")
        }
    }

    /// API providers run as `revo fake-llm` with the scenario's physics, each behind a proxy (local models and the
    /// mock are revo serve's own fakes): their admin clients and the `--provider` arguments that point serve at them.
    private func startUpstreams(
        _ scenario: Scenario,
        seed: UInt64,
        on stage: LiveStage
    ) async throws(LiveError)
        -> (admins: [ProviderID: UpstreamAdmin], arguments: [String])
    {
        var admins: [ProviderID: UpstreamAdmin] = [:]
        var arguments: [String] = []
        for profile in scenario.system.providers where profile.descriptor.kind == .api {
            let id = profile.descriptor.id
            let upstream = try ChildServer.start(
                name: "fake-llm-\(id)",
                executable: options.executable,
                arguments: [
                    "fake-llm", "--host", "127.0.0.1", "--port", "0", "--seed", "\(seed)", "--model", id.rawValue,
                    "--ttft-ms", "\(profile.timeToFirstToken.seconds * 1000)", "--inter-token-ms", "\(profile.interTokenLatency.seconds * 1000)",
                    "--spread", "\(profile.spread)", "--output-tokens", "\(profile.outputTokens)", "--slots", "\(profile.concurrencySlots)",
                ],
                environment: ["LOG_LEVEL": "warning"],
                folder: stage.services
            )
            stage.children.append(upstream)
            let proxied: Int
            do {
                let address = String(upstream.baseURL.dropFirst("http://".count))
                proxied = try await stage.proxy.create(ProxyDefinition(name: LiveFaults.providerProxy(id), listen: "127.0.0.1:0", upstream: address))
                    .listenPort
            } catch {
                throw LiveError("cannot put a proxy in front of fake-llm for \(id): \(error)")
            }
            admins[id] = UpstreamAdmin(http: stage.http, baseURL: upstream.baseURL)
            arguments += ["--provider", "\(id)=http://127.0.0.1:\(proxied)" + (id == .anthropic ? "" : "/v1")]
        }
        return (admins, arguments)
    }

    /// `revo serve --dev` through the proxies, with a fresh secret (never a default one); the web client's pages are
    /// served from origins of their own when the scenario has browser probes, the allowed one among serve's origins.
    private func startServe(
        _ scenario: Scenario,
        seed: UInt64,
        database: String,
        cache: String,
        remoteArguments: [String],
        secret: String,
        on stage: LiveStage
    ) async throws(LiveError) -> ChildServer {
        let providers = scenario.system.providers.map(\.descriptor.id.rawValue).filter { Self.serveProviders.contains($0) }
        guard !providers.isEmpty else {
            throw LiveError("none of the scenario's providers is one revo serve --dev has (\(Self.serveProviders.joined(separator: ", ")))")
        }
        var origins: [String] = []
        if !scenario.browserProbes.isEmpty, let webRoot = WebRoot.locate() {
            let pages = try await BrowserPages.start(webRoot: webRoot)
            stage.pages = pages
            origins = (ServerConfiguration.developmentOrigins + [pages.allowed]).flatMap { ["--allow-origin", $0] }
        }
        let serve = try ChildServer.start(
            name: "serve",
            executable: options.executable,
            arguments: [
                "serve", "--dev", "--host", "127.0.0.1", "--port", "0", "--database", database, "--cache", cache,
                "--providers", providers.joined(separator: ","), "--rate-limit", "1000000", "--seed", "\(seed)", "--bcrypt-cost", "10",
                // The models load on the scenario's compressed timeline, like its faults.
                "--dev-load-scale", "\(options.timeScale)",
            ] + origins + remoteArguments,
            environment: ["REVO_JWT_SECRET": secret, "LOG_LEVEL": "warning"],
            folder: stage.services
        )
        stage.children.insert(serve, at: 0)
        return serve
    }

    /// The run against the started server: an account, the probes (first, on the fresh server, as a frontend's first
    /// requests would be), the browser probes, then the workload and the faults.
    private func exercise(
        _ scenario: Scenario,
        seed: UInt64,
        serve: ChildServer,
        secret: String,
        faults: LiveFaults,
        on stage: LiveStage
    ) async throws(LiveError) -> ScenarioRun {
        let transport = LoopbackTransport(http: stage.http, baseURL: serve.baseURL, timeout: Self.requestLimit(scenario))
        let probes = try await LiveAccount.signIn("live-\(seed)", through: transport, secret: secret)
        let probed = await probes.run(scenario.probes)
        let browsed = await browse(scenario, pages: stage.pages, api: serve.baseURL, tokens: probes, username: "browser-\(seed)")
        await stage.stopPages()
        probes.user.moveClock(back: probes.clock.now)
        var run = await drive(
            scenario,
            seed: seed,
            transport: transport,
            user: probes.user,
            expiredToken: probes.expiredToken,
            faults: faults,
            memory: { serve.residentBytes }
        )
        run.probes = probed
        run.browserProbes = browsed
        return run
    }

    /// The browser probes' results; each says why when no browser could run them. Nil when the scenario has none.
    private func browse(_ scenario: Scenario, pages: BrowserPages?, api: String, tokens: ProbeClient, username: String) async -> [Probe.Result]? {
        let probes = scenario.browserProbes
        guard !probes.isEmpty else { return nil }
        let driver: BrowserProbeRunner.Driver
        switch BrowserProbeRunner.Driver.locate() {
        case .success(let found): driver = found
        case .failure(let error): return probes.map { $0.notRun("\(error)") }
        }
        guard let pages else {
            return probes.map { $0.notRun("the web client's folder (web/) was not found") }
        }
        return await BrowserProbeRunner(driver: driver, pages: pages, api: api, tokens: tokens).run(probes, username: username)
    }

    /// Against a server this run did not start: the workload, the probes and the health samples only.
    private func run(_ scenario: Scenario, seed: UInt64, against serveURL: String) async throws(LiveError) -> ScenarioRun {
        let http = Self.makeClient()
        let base = serveURL.hasSuffix("/") ? String(serveURL.dropLast()) : serveURL
        do {
            let transport = LoopbackTransport(http: http, baseURL: base, timeout: Self.requestLimit(scenario))
            // An account of its own: the server may already hold this seed's from an earlier run.
            var generator = SystemRandomNumberGenerator()
            let suffix = String(UInt32.random(in: 0...UInt32.max, using: &generator), radix: 16)
            let secret = ProcessInfo.processInfo.environment["REVO_JWT_SECRET"]
            let probes = try await LiveAccount.signIn("live-\(seed)-\(suffix)", through: transport, secret: secret)
            let probed = await probes.run(scenario.probes)
            let (user, expiredToken) = (probes.user, probes.expiredToken)
            user.moveClock(back: probes.clock.now)
            // Nothing behind a proxy of this run: every fault reports that it is not applied.
            let faults = LiveFaults(proxy: FaultProxy(), postgres: nil, upstreams: [:])
            var run = await drive(scenario, seed: seed, transport: transport, user: user, expiredToken: expiredToken, faults: faults, external: base)
            run.probes = probed
            if !scenario.browserProbes.isEmpty {
                let reason = "browser probes need a server this run starts (its allow-list must name the page's origin)"
                run.browserProbes = scenario.browserProbes.map { $0.notRun(reason) }
            }
            run.faults = await faults.tallies(scenario.faults)
            if let postgres = options.postgresURL {
                run.lostWrites = try await lostWrites(run.metrics.acknowledgedWrites, postgres: try Self.parsePostgres(postgres))
            } else {
                run.writesVerified = false
            }
            try? await http.shutdown()
            return run
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// A request (or a silent socket) is given up this long after it was sent.
    static func requestLimit(_ scenario: Scenario) -> Duration {
        scenario.system.routing.requestDeadline + .seconds(5)
    }

    /// The workload, the fault timeline and the health sampler, for the scenario's duration, on a clock that starts
    /// now; `external` names a server this run did not start (its faults are then not applied).
    private func drive(
        _ scenario: Scenario,
        seed: UInt64,
        transport: LoopbackTransport,
        user: VirtualUser,
        expiredToken: String?,
        faults: LiveFaults,
        memory: @escaping @Sendable () -> Int? = { nil },
        external: String? = nil
    ) async -> ScenarioRun {
        let clock = SystemClock(ContinuousClock())
        let metrics = MetricsRecorder()
        let api = APIClient(transport: transport, clock: clock, starter: ConcurrentTaskStarter(), metrics: metrics)
        let faultTasks = applyFaults(scenario, faults: faults, clock: clock, external: external)
        let events = LiveSystemEvents()
        let sampler = Task { await Self.sampleHealth(api: api, user: user, events: events, metrics: metrics, memory: memory) }
        let reporter = options.progress.map { report in
            Task {
                while !Task.isCancelled {
                    report(Self.progress(of: scenario, metrics: metrics, at: clock.now))
                    try? await clock.sleep(for: .seconds(1))
                }
            }
        }
        defer { reporter?.cancel() }
        let client = WorkloadClient(
            api: api,
            sockets: SocketClient(api: api),
            workload: scenario.workload,
            socketDrops: { nil },
            metrics: metrics,
            clock: clock,
            expiredTokens: [expiredToken ?? ""]
        )
        let driver = WorkloadDriver(
            scenario: scenario,
            client: client,
            users: [user],
            random: SeededRandom(seed: seed),
            starter: ConcurrentTaskStarter()
        )
        await driver.drive()
        for task in faultTasks { await task.value }
        sampler.cancel()
        await sampler.value
        var run = ScenarioRun(
            scenario: scenario,
            seed: seed,
            metrics: metrics,
            faults: [],
            digest: "live",
            statistics: SimulationStatistics(),
            lostWrites: [],
            duplicatedMessages: [],
            endedAt: clock.now,
            live: true
        )
        run.systemEvents = events.all
        return run
    }

    /// One task per fault, applying it window by window on `clock`.
    private func applyFaults(_ scenario: Scenario, faults: LiveFaults, clock: SystemClock, external: String?) -> [Task<Void, Never>] {
        let ownsPostgres = options.postgresURL == nil
        let upstreams = Set(scenario.system.providers.filter { $0.descriptor.kind == .api }.map(\.descriptor.id))
        return scenario.faults.map { fault in
            let action =
                external.map { .unsupported("connected to the server at \($0): its dependencies are not behind this run's proxies") }
                ?? LiveFaults.action(for: fault, ownsPostgres: ownsPostgres, upstreams: upstreams)
            if case .unsupported(let why) = action { logger.warning("fault \(fault.id) is not applied in live mode: \(why)") }
            return Task { [logger] in
                for (occurrence, window) in fault.windows(until: scenario.duration).enumerated() {
                    try? await clock.sleep(until: window.lowerBound)
                    do {
                        let length = fault.duration == nil ? nil : window.upperBound - window.lowerBound
                        try await faults.begin(fault, action, window: length, occurrence: occurrence)
                    } catch {
                        logger.error("fault \(fault.id): \(error)")
                        continue
                    }
                    try? await clock.sleep(until: window.upperBound)
                    try? await faults.end(fault, action)
                }
            }
        }
    }

    /// Health every second, with the circuits and outbox replays the server publishes and its resident memory.
    private static func sampleHealth(
        api: APIClient,
        user: VirtualUser,
        events: LiveSystemEvents,
        metrics: MetricsRecorder,
        memory: @Sendable () -> Int?
    ) async {
        let clock = api.clock
        while !Task.isCancelled {
            let at = clock.now
            let models = await api.send(HTTPCall(.get, "/api/models"), as: user, index: 0)
            let memoryStats = await api.send(HTTPCall(.get, "/api/memory/stats"), as: user, index: 0)
            events.sample(models: models.json, memory: memoryStats.json, at: at)
            let answer = await api.transport.send(HTTPCall(.get, "/health"), from: nil)
            let report = answer.json.map { HealthReport(answer: $0, at: at) }
            metrics.sample(
                report ?? .unreachable(answer.status == 0 ? answer.text : "HTTP \(answer.status): \(answer.text)", at: at),
                processBytes: memory(),
                machineBytes: nil
            )
            try? await clock.sleep(until: at + .seconds(1))
        }
    }

    static func progress(of scenario: Scenario, metrics: MetricsRecorder, at now: Duration) -> LiveProgress {
        let counts = metrics.progress(now: now, window: LiveProgress.window)
        let active = scenario.faults.filter { fault in fault.windows(until: scenario.duration).contains { $0.contains(now) } }
        return LiveProgress(
            scenario: scenario.name,
            elapsed: min(now, scenario.duration),
            duration: scenario.duration,
            activeFaults: active.map(\.id),
            requests: counts.requests,
            errors: counts.errors,
            recentP95: counts.p95
        )
    }

    /// Acknowledged memory writes missing from PostgreSQL once the server has stopped (it flushes its outbox first).
    private func lostWrites(_ acknowledged: [String], postgres: PostgresURL) async throws(LiveError) -> [String] {
        guard !acknowledged.isEmpty else { return [] }
        var quiet = Logger(label: "revo.live.verify")
        quiet.logLevel = .error
        let database = PostgresDatabase(postgres, logger: quiet)
        let runner = Task { await database.run() }
        defer { runner.cancel() }
        do {
            let rows: [(String)] = try await database.fetchAll("SELECT id FROM memory_entries", as: String.self)
            let stored = Set(rows)
            return acknowledged.filter { !stored.contains($0) }
        } catch {
            throw LiveError("cannot read memory_entries from \(postgres) to check for lost writes: \(error)")
        }
    }

    // MARK: Helpers

    /// The workload's client: enough connections for an open model's in-flight requests.
    private static func makeClient() -> HTTPClient {
        HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256))
        )
    }

    static let serveProviders = ["deepseek_r1_0528", "llama_local", "openai", "anthropic", "mock"]

    private static func parsePostgres(_ text: String) throws(LiveError) -> PostgresURL {
        do { return try PostgresURL(parsing: text) } catch { throw LiveError("--postgres: \(error)") }
    }

    private static func parseRedis(_ text: String) throws(LiveError) -> RedisURL {
        do { return try RedisURL(parsing: text) } catch { throw LiveError("--redis: \(error)") }
    }

    /// The database `url` names, reached through the proxy on `port`.
    private static func connectionString(_ url: PostgresURL, port: Int) -> String {
        "postgres://\(url.username)\(url.password.map { ":\($0)" } ?? "")@127.0.0.1:\(port)/\(url.database)"
    }

    /// A fresh secret for the server this run starts (never a default one).
    private static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<48).map { _ in String(UInt8.random(in: 0..<16, using: &generator), radix: 16) }.joined()
    }
}
