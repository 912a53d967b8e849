import ArgumentParser
import Hummingbird
import Logging
import Metrics
import Prometheus
import RevoCore
import RevoServer
import RevoSim

/// `revo serve`: the backend over HTTP on embedded defaults.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the reVoAgent backend over HTTP.",
        discussion: """
            --dev runs on embedded defaults: fake model providers with the simulation's profiles (in real time), \
            in-process stores and cache. Configuration also comes from REVO_HOST, REVO_PORT and REVO_ALLOWED_ORIGINS \
            (comma-separated). Production mode needs a JWT secret and real providers, which --dev does without.
            """
    )

    @Option(help: "Address to listen on (REVO_HOST).")
    var host: String?

    @Option(help: "Port to listen on (REVO_PORT).")
    var port: Int?

    @Option(name: .customLong("allow-origin"), help: "A browser origin allowed to call the API (repeatable; REVO_ALLOWED_ORIGINS).")
    var allowedOrigins: [String] = []

    @Option(help: "Seed of the fake providers' and the system's random choices (default: drawn at start and logged).")
    var seed: UInt64?

    @Option(help: "Requests per client per minute before 429 (health routes exempt).")
    var rateLimit = 100

    @Flag(help: "Development mode: fake providers and embedded stores; says so at start.")
    var dev = false

    func validate() throws {
        guard dev else {
            throw ValidationError(
                "production mode needs a JWT secret and real model providers; run with --dev for fake providers on embedded defaults"
            )
        }
        guard (1...1_000_000).contains(rateLimit) else {
            throw ValidationError("--rate-limit must be between 1 and 1000000 requests per minute, got \(rateLimit)")
        }
        if let port = resolvedPort, !(1...65_535).contains(port) {
            throw ValidationError("--port must be between 1 and 65535, got \(port)")
        }
        for origin in resolvedOrigins where origin == "*" || !(origin.hasPrefix("http://") || origin.hasPrefix("https://")) {
            throw ValidationError("--allow-origin must be a full origin such as http://localhost:3000, got '\(origin)' (never *)")
        }
    }

    private var resolvedPort: Int? {
        port ?? ProcessEnvironment.value("REVO_PORT").flatMap(Int.init)
    }

    private var resolvedOrigins: [String] {
        let fromEnvironment =
            ProcessEnvironment.value("REVO_ALLOWED_ORIGINS")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        let origins = allowedOrigins + fromEnvironment
        return origins.isEmpty ? ["http://localhost:3000", "http://localhost:5173"] : origins
    }

    func run() async throws {
        var logger = Logger(label: "revo")
        let seed = self.seed ?? UInt64.random(in: 0...UInt64.max)
        let clock = SystemClock(ContinuousClock())
        let random = SeededRandom(seed: seed)
        let faults = FaultInjector(faults: [], random: random.split("faults"), clock: clock)
        let machine = FakeMachine(DevelopmentMachine.resources, faults: faults)
        let providers = [ProviderID.deepseekR1, .llamaLocal, .openai, .anthropic, .mock].compactMap { id in
            ProviderProfile.defaults(for: id).map {
                FakeProvider(profile: $0, machine: machine, faults: faults, clock: clock, random: RandomSource(random.split("provider.\(id)")))
            }
        }
        let system = RevoSystem(
            configuration: RevoSystem.Configuration(seed: seed),
            dependencies: RevoSystem.Dependencies(
                providers: providers,
                probe: machine,
                conversations: InMemoryConversationStore(),
                memoryPrimary: InMemoryMemoryBackend(name: "in-process"),
                cache: InMemoryCache(clock: clock),
                clock: clock,
                starter: ConcurrentTaskStarter(),
                logger: logger
            )
        )
        await system.start()
        let configuration = ServerConfiguration(
            host: host ?? ProcessEnvironment.value("REVO_HOST") ?? "127.0.0.1",
            port: resolvedPort ?? 8000,
            allowedOrigins: resolvedOrigins,
            requestsPerMinute: rateLimit
        )
        logger[metadataKey: "seed"] = "\(seed)"
        logger.notice(
            "development mode: fake model providers, in-process stores, no authentication",
            metadata: ["allowed_origins": "\(configuration.allowedOrigins.joined(separator: ","))"]
        )
        let metrics = ServerMetrics()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        let app = RevoApplication.application(system: system, configuration: configuration, clock: clock, metrics: metrics, logger: logger)
        print("revo serving on http://\(configuration.host):\(configuration.port) (development mode)")
        try await app.runService()
        await system.shutdown()
    }
}

/// The machine `revo serve --dev` pretends to run on: room for every fake model.
enum DevelopmentMachine {
    static let resources = MachineResources(
        totalRAM: .gigabytes(64),
        availableRAM: .gigabytes(48),
        gpus: [.init(name: "gpu0", totalMemory: .gigabytes(24), availableMemory: .gigabytes(24))],
        cpuCores: 16,
        nativeLibraries: ["cuda", "torch", "transformers"]
    )
}
