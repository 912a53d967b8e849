public import RevoCore
import RevoServer
public import RevoSim

/// One reproducible situation: a machine, a system configuration, a workload, a fault timeline and the checks that
/// say whether the system behaved.
public struct Scenario: Sendable, Equatable {
    public var name: String
    public var description: String
    public var seed: UInt64
    public var duration: Duration
    public var machine: MachineResources
    public var system: SystemSpec
    public var workload: Workload
    public var faults: [FaultSpec]
    public var checks: [CheckSpec]
    /// Where it was loaded from, for messages and the repro command.
    public var file: String
    /// `mode: live`: the scenario needs a real server (its probes are HTTP requests); sim runs leave it out.
    public var liveOnly = false

    public init(
        name: String,
        description: String,
        seed: UInt64,
        duration: Duration,
        machine: MachineResources,
        system: SystemSpec,
        workload: Workload,
        faults: [FaultSpec],
        checks: [CheckSpec],
        file: String
    ) {
        self.name = name
        self.description = description
        self.seed = seed
        self.duration = duration
        self.machine = machine
        self.system = system
        self.workload = workload
        self.faults = faults
        self.checks = checks
        self.file = file
    }
}

/// The system under test, as configured for one deployment.
public struct SystemSpec: Sendable, Equatable {
    /// Registered providers with their physics, in registration order.
    public var providers: [ProviderProfile]
    public var routing: RoutingPolicy
    public var replyCache: Bool
    /// Latency of the fake dependencies.
    public var databaseLatency: Duration
    public var cacheLatency: Duration
    public var memoryLatency: Duration
    /// Test-only switch: acknowledge memory writes without the durable outbox (to prove `no_lost_writes` can fail).
    public var outboxEnabled: Bool
    /// How long one call to the database or the cache may take before it counts as failed.
    public var databaseTimeout: Duration
    public var cacheTimeout: Duration
    public var parallelMind: ParallelMindEngine.Settings
    /// How long a cached answer is served fresh, when the reply cache is on.
    public var replyCacheTTL: Duration = .seconds(300)
    /// Whether an earlier answer from the reply cache stands in when every provider fails.
    public var staleReplies = true
    /// Browser origins the API allows (the server's `--allow-origin`); a development frontend's by default.
    public var allowedOrigins = ServerConfiguration.developmentOrigins
    /// Requests per client per minute before the API answers 429 (the server's `--rate-limit`); unlimited by default.
    public var rateLimit = 1_000_000
    /// How long access tokens live: clients refresh them when they expire, in virtual time.
    public var accessTokenLifetime: Duration = .seconds(30 * 60)
    /// Test-only: a bug planted on purpose, to prove a search (swarm testing) finds what the scenario library misses.
    public var plantedBug: PlantedBug?

    public enum PlantedBug: String, Sendable, Equatable, CaseIterable {
        /// Memory writes queued in the outbox while the cache is in an outage are dropped (``CacheCoupledOutbox``).
        case outboxDropsDuringCacheOutage = "outbox_drops_during_cache_outage"
    }

    public init(
        providers: [ProviderProfile],
        routing: RoutingPolicy,
        replyCache: Bool = false,
        databaseLatency: Duration = .milliseconds(2),
        cacheLatency: Duration = .microseconds(500),
        memoryLatency: Duration = .milliseconds(3),
        outboxEnabled: Bool = true,
        databaseTimeout: Duration = .seconds(2),
        cacheTimeout: Duration = .milliseconds(250),
        parallelMind: ParallelMindEngine.Settings = ParallelMindEngine.Settings()
    ) {
        self.providers = providers
        self.routing = routing
        self.replyCache = replyCache
        self.databaseLatency = databaseLatency
        self.cacheLatency = cacheLatency
        self.memoryLatency = memoryLatency
        self.outboxEnabled = outboxEnabled
        self.databaseTimeout = databaseTimeout
        self.cacheTimeout = cacheTimeout
        self.parallelMind = parallelMind
    }
}

/// The traffic: an open model (arrivals do not wait for answers), a mix of operations, sizes.
public struct Workload: Sendable, Equatable {
    public enum Arrival: String, Sendable, Equatable, CaseIterable {
        /// Evenly spaced.
        case constant
        /// Exponential gaps drawn from the seed.
        case poisson
    }

    public enum Operation: String, Sendable, Equatable, CaseIterable, Comparable {
        /// `POST /api/chat` in a conversation: its history is read and the exchange stored.
        case chat
        /// `POST /api/chat` without a conversation, from a pool of common prompts: what the reply cache serves.
        case chatStateless = "chat_stateless"
        /// `POST /api/chat` with `use_memory`: memories recalled into the prompt, the exchange remembered.
        case chatMemory = "chat_memory"
        /// One chat streamed over `WS /ws/chat`.
        case stream
        case memoryStore = "memory_store"
        case memoryRecall = "memory_recall"
        case engine
        /// A WebSocket session: several streamed messages in a row; reconnects and resends after a drop.
        case websocket
        /// `POST /auth/login` with a user's password.
        case login
        /// `POST /auth/register` of a new account.
        case register
        /// `POST /auth/refresh`: sent by clients when their access token has expired, never drawn from the mix.
        case refresh

        /// What a scenario's mix may name.
        public static var mixable: [Operation] { allCases.filter { $0 != .refresh } }

        public static func < (lhs: Operation, rhs: Operation) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// Extra requests at a moment, spread evenly over `over`.
    public struct Burst: Sendable, Equatable {
        public var at: Duration
        public var requests: Int
        public var over: Duration
        public var operation: Operation?

        public init(at: Duration, requests: Int, over: Duration, operation: Operation? = nil) {
            self.at = at
            self.requests = requests
            self.over = over
            self.operation = operation
        }
    }

    /// Requests per second at the start...
    public var rate: Double
    /// ...and at the end (a linear ramp), when different.
    public var rampTo: Double?
    public var arrival: Arrival
    public var bursts: [Burst]
    /// Operation weights, in ``Operation`` order.
    public var mix: [(operation: Operation, weight: Int)]
    /// Prompt length in words: mean and relative spread.
    public var promptWords: Int
    public var promptSpread: Double
    public var maxTokens: Int
    /// Distinct memory sessions requests are spread over.
    public var sessions: Int
    /// Engine tasks: a rotation of single-engine and all-engine tasks, or only all-engine (enterprise) ones.
    public var enterpriseEngineTasksOnly: Bool
    /// Messages per WebSocket session.
    public var websocketMessages: Int
    /// Whether WebSocket clients send message ids (resends are then idempotent). false reproduces a client that does
    /// not, to prove `no_duplicate_messages` can fail.
    public var websocketMessageIDs: Bool
    /// Share of WebSocket messages the client cancels after its first tokens.
    public var websocketCancels: Double = 0
    /// Users sending the traffic, each with an account, tokens and an address of its own.
    public var clients: Int = 20
    /// Distinct prompts stateless chats are drawn from (popular ones more often), so some repeat.
    public var distinctPrompts: Int = 40
    /// Share of requests replaced by bad input, and the kinds drawn (all by default).
    public var badInput: Double = 0
    public var badInputKinds: [BadInput] = BadInput.allCases

    public init(
        rate: Double,
        rampTo: Double? = nil,
        arrival: Arrival = .poisson,
        bursts: [Burst] = [],
        mix: [(operation: Operation, weight: Int)] = [(.chat, 1)],
        promptWords: Int = 30,
        promptSpread: Double = 0.5,
        maxTokens: Int = 256,
        sessions: Int = 10,
        enterpriseEngineTasksOnly: Bool = false,
        websocketMessages: Int = 3,
        websocketMessageIDs: Bool = true
    ) {
        self.rate = rate
        self.rampTo = rampTo
        self.arrival = arrival
        self.bursts = bursts
        self.mix = mix
        self.promptWords = promptWords
        self.promptSpread = promptSpread
        self.maxTokens = maxTokens
        self.sessions = sessions
        self.enterpriseEngineTasksOnly = enterpriseEngineTasksOnly
        self.websocketMessages = websocketMessages
        self.websocketMessageIDs = websocketMessageIDs
    }

    public static func == (lhs: Workload, rhs: Workload) -> Bool {
        lhs.rate == rhs.rate && lhs.rampTo == rhs.rampTo && lhs.arrival == rhs.arrival && lhs.bursts == rhs.bursts
            && lhs.mix.map(\.operation) == rhs.mix.map(\.operation) && lhs.mix.map(\.weight) == rhs.mix.map(\.weight)
            && lhs.promptWords == rhs.promptWords && lhs.promptSpread == rhs.promptSpread && lhs.maxTokens == rhs.maxTokens
            && lhs.sessions == rhs.sessions && lhs.enterpriseEngineTasksOnly == rhs.enterpriseEngineTasksOnly
            && lhs.websocketMessages == rhs.websocketMessages && lhs.websocketMessageIDs == rhs.websocketMessageIDs
            && lhs.websocketCancels == rhs.websocketCancels && lhs.clients == rhs.clients && lhs.distinctPrompts == rhs.distinctPrompts
            && lhs.badInput == rhs.badInput && lhs.badInputKinds == rhs.badInputKinds
    }
}
