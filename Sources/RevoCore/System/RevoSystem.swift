public import Logging
public import RevoRuntime
import Synchronization

/// The whole reVoAgent system, assembled from injected dependencies: the same object serves HTTP in `revo serve`
/// and runs in virtual time under the scenario runner.
///
/// It starts degraded rather than failing: every dependency is probed under a timeout, a failure is recorded as the
/// service's reason, and background loops (model re-probes, outbox replay, health probes) bring services back.
public final class RevoSystem: Sendable {
    public enum Phase: String, Sendable, Codable {
        case created
        case starting
        case running
        case stopping
        case stopped
    }

    public struct Configuration: Sendable, Equatable {
        public var routing: RoutingPolicy
        public var memory: MemoryManager.Settings
        public var parallelMind: ParallelMindEngine.Settings
        public var engineTimeouts: EngineCoordinator.Timeouts
        public var chat: ChatService.Settings
        /// A call to the conversation store gets this long.
        public var databaseTimeout: Duration
        /// A call to the cache gets this long.
        public var cacheTimeout: Duration
        /// How often the health loop probes the database, cache and memory store.
        public var healthInterval: Duration
        /// Services that must answer before the system reports ready.
        public var readinessRequires: [Service]
        /// The seed of every random choice and identifier.
        public var seed: UInt64
        /// How often open circuits are exchanged with the shared board, when there is one.
        public var breakerSyncInterval: Duration = .milliseconds(500)

        public init(
            routing: RoutingPolicy = RoutingPolicy(),
            memory: MemoryManager.Settings = MemoryManager.Settings(),
            parallelMind: ParallelMindEngine.Settings = ParallelMindEngine.Settings(),
            engineTimeouts: EngineCoordinator.Timeouts = EngineCoordinator.Timeouts(),
            chat: ChatService.Settings = ChatService.Settings(),
            databaseTimeout: Duration = .seconds(2),
            cacheTimeout: Duration = .milliseconds(250),
            healthInterval: Duration = .seconds(5),
            readinessRequires: [Service] = [.database, .models],
            seed: UInt64 = 0
        ) {
            self.routing = routing
            self.memory = memory
            self.parallelMind = parallelMind
            self.engineTimeouts = engineTimeouts
            self.chat = chat
            self.databaseTimeout = databaseTimeout
            self.cacheTimeout = cacheTimeout
            self.healthInterval = healthInterval
            self.readinessRequires = readinessRequires
            self.seed = seed
        }
    }

    /// Everything the system talks to, injected.
    public struct Dependencies: Sendable {
        public var providers: [any ModelProvider]
        public var probe: any ResourceProbe
        public var conversations: any ConversationStore
        public var memoryPrimary: any MemoryBackend
        public var memoryFallback: any MemoryBackend
        public var outbox: any MemoryOutbox
        public var cache: (any Cache)?
        public var clock: SystemClock
        public var starter: any TaskStarter
        public var logger: Logger
        /// Shares open circuits with other servers (Redis in a deployment of several); none by default.
        public var breakerBoard: (any SharedBreakerBoard)?
        /// Told what the system does that no client sees (circuits, outbox replays); nobody by default.
        public var events: (any SystemEventSink)?

        public init(
            providers: [any ModelProvider],
            probe: any ResourceProbe,
            conversations: any ConversationStore,
            memoryPrimary: any MemoryBackend,
            memoryFallback: any MemoryBackend = InMemoryMemoryBackend(name: "fallback"),
            outbox: any MemoryOutbox = InMemoryOutbox(),
            cache: (any Cache)?,
            clock: SystemClock,
            starter: any TaskStarter,
            logger: Logger = Logger(label: "revo"),
            breakerBoard: (any SharedBreakerBoard)? = nil,
            events: (any SystemEventSink)? = nil
        ) {
            self.providers = providers
            self.probe = probe
            self.conversations = conversations
            self.memoryPrimary = memoryPrimary
            self.memoryFallback = memoryFallback
            self.outbox = outbox
            self.cache = cache
            self.clock = clock
            self.starter = starter
            self.logger = logger
            self.breakerBoard = breakerBoard
            self.events = events
        }
    }

    public let configuration: Configuration
    public let models: ModelManager
    public let memory: MemoryManager
    public let recall: PerfectRecallEngine
    public let parallelMind: ParallelMindEngine
    public let creative: CreativeEngine
    public let coordinator: EngineCoordinator
    public let chat: ChatService
    public let cache: GuardedCache?
    public let conversations: any ConversationStore
    public let probe: any ResourceProbe
    public let ids: IDSource
    private let database: DependencyGuard
    private let clock: SystemClock
    private let starter: any TaskStarter
    private let logger: Logger
    private let breakerSync: BreakerSync?
    private let state = Mutex(
        (phase: Phase.created, healthLoop: Task<Void, Never>?.none, modelLoad: Task<Void, Never>?.none, breakerLoop: Task<Void, Never>?.none)
    )

    public init(configuration: Configuration = Configuration(), dependencies: Dependencies) {
        let clock = dependencies.clock
        let random = SeededRandom(seed: configuration.seed)
        self.configuration = configuration
        self.clock = clock
        self.starter = dependencies.starter
        self.logger = dependencies.logger
        self.probe = dependencies.probe
        self.conversations = dependencies.conversations
        self.ids = IDSource(random: random.split("ids"))
        self.models = ModelManager(
            providers: dependencies.providers,
            policy: configuration.routing,
            probe: dependencies.probe,
            clock: clock,
            random: RandomSource(random.split("models")),
            logger: dependencies.logger,
            events: dependencies.events
        )
        self.breakerSync = dependencies.breakerBoard.map { [models] board in
            BreakerSync(models: models, board: board, clock: clock, logger: dependencies.logger)
        }
        self.memory = MemoryManager(
            primary: dependencies.memoryPrimary,
            fallback: dependencies.memoryFallback,
            outbox: dependencies.outbox,
            settings: configuration.memory,
            clock: clock,
            logger: dependencies.logger,
            events: dependencies.events
        )
        self.cache = dependencies.cache.map {
            GuardedCache($0, timeout: configuration.cacheTimeout, clock: clock)
        }
        self.database = DependencyGuard(
            timeout: configuration.databaseTimeout,
            waits: dependencies.conversations.waits,
            breaker: BreakerSettings(minimumRequests: 3, cooldown: .seconds(5)),
            clock: clock
        )
        self.recall = PerfectRecallEngine(memory: memory, cache: cache, ids: ids, clock: clock)
        let models = self.models
        self.parallelMind = ParallelMindEngine(settings: configuration.parallelMind, clock: clock) { task in
            let prompt = task.input.isEmpty ? task.description : task.description + "\n" + task.input
            return try await models.generate(GenerationRequest(prompt: prompt, maxTokens: 512, requestID: task.id)).text
        }
        self.creative = CreativeEngine(
            generator: { prompt in try await models.generate(GenerationRequest(prompt: prompt, maxTokens: 256, temperature: 1.0)).text },
            random: RandomSource(random.split("creative")),
            clock: clock
        )
        self.coordinator = EngineCoordinator(
            recall: recall,
            parallel: parallelMind,
            creative: creative,
            timeouts: configuration.engineTimeouts,
            clock: clock
        )
        self.chat = ChatService(
            models: models,
            recall: recall,
            conversations: dependencies.conversations,
            conversationGuard: database,
            cache: cache,
            ids: ids,
            clock: clock,
            settings: configuration.chat
        )
    }

    public var phase: Phase {
        state.withLock { $0.phase }
    }

    // MARK: Life cycle

    /// Probes every dependency, starts the engines and the background loops, and starts loading the models that fit.
    /// Returns without waiting for the loads (local models take tens of seconds): meanwhile the chain skips them and
    /// API providers or the mock answer. Never throws: what fails is reported by ``health()`` and retried.
    public func start() async {
        let proceed = state.withLock { s in
            guard s.phase == .created else { return false }
            s.phase = .starting
            return true
        }
        guard proceed else { return }
        await probeDependencies()
        let load = starter.start("models.load") { [models] in await models.start() }
        state.withLock { $0.modelLoad = load }
        recall.start()
        creative.start()
        parallelMind.start(with: starter)
        models.startReprobing(with: starter)
        memory.startReplaying(with: starter)
        let loop = starter.startPeriodic("system.health", every: configuration.healthInterval, on: clock) { [self] in
            await probeDependencies()
        }
        // Only with a board: a lone server (and every simulation without one) runs no extra loop.
        let breakerLoop = breakerSync.map { sync in
            starter.startPeriodic("models.shared-breakers", every: configuration.breakerSyncInterval, on: clock) { await sync.tick() }
        }
        state.withLock { s in
            s.phase = .running
            s.healthLoop = loop
            s.breakerLoop = breakerLoop
        }
        let report = await health()
        logger.info("revo started", metadata: ["status": "\(report.status.rawValue)", "ready": "\(report.ready)"])
    }

    /// Waits until the first round of model loading has finished (each load succeeded or failed).
    public func modelsLoaded() async {
        let load = state.withLock { $0.modelLoad }
        await load?.value
    }

    /// Stops taking work, lets the engines finish, unloads models and flushes the memory outbox.
    public func shutdown() async {
        let loop = state.withLock { s -> Task<Void, Never>?? in
            guard s.phase == .running || s.phase == .starting else { return nil }
            s.phase = .stopping
            return s.healthLoop
        }
        guard let loop else { return }
        loop?.cancel()
        state.withLock { $0.breakerLoop }?.cancel()
        // A model still loading is abandoned, not waited for: a load can take a minute.
        let load = state.withLock { $0.modelLoad }
        load?.cancel()
        await load?.value
        parallelMind.shutdown()
        creative.shutdown()
        recall.shutdown()
        await models.shutdown()
        await memory.shutdown()
        state.withLock { $0.phase = .stopped }
        logger.info("revo stopped")
    }

    /// One round trip to each dependency, so health follows them even without traffic.
    private func probeDependencies() async {
        let conversations = self.conversations
        _ = await database.call { try await conversations.ping() }
        _ = await cache?.get("revo:health-probe")
        _ = await memory.health()
    }

    // MARK: Health

    public func health() async -> HealthReport {
        let phase = self.phase
        var services: [HealthReport.Entry] = []
        let backend: ComponentHealth
        switch phase {
        case .running: backend = .healthy
        case .created, .starting: backend = ComponentHealth(status: .degraded, reasons: ["starting"])
        case .stopping, .stopped: backend = ComponentHealth(status: .unhealthy, reasons: ["shutting down"])
        }
        services.append(.init(service: .backend, health: backend))
        let databaseHealth =
            database.problem().map { ComponentHealth(status: .degraded, reasons: ["\(conversations.name) store: \($0)"]) } ?? .healthy
        services.append(.init(service: .database, health: databaseHealth))
        services.append(.init(service: .cache, health: cache?.health() ?? ComponentHealth(status: .healthy, reasons: ["no cache configured"])))
        services.append(.init(service: .models, health: models.health()))
        services.append(.init(service: .memory, health: await memory.health()))
        services.append(.init(service: .engines, health: coordinator.health()))

        var notReady: [String] = []
        if phase != .running { notReady.append("backend \(phase.rawValue)") }
        for required in configuration.readinessRequires {
            guard let entry = services.first(where: { $0.service == required }) else { continue }
            let blocking = required == .models ? entry.health.status == .unhealthy : entry.health.status != .healthy
            if blocking { notReady.append("\(required.rawValue): " + (entry.health.reasons.first ?? entry.health.status.rawValue)) }
        }
        return HealthReport(
            status: HealthReport.overall(services),
            services: services,
            availableProviders: models.availableProviders(),
            live: phase != .stopped,
            ready: notReady.isEmpty,
            notReadyBecause: notReady,
            checkedAt: clock.now
        )
    }
}
