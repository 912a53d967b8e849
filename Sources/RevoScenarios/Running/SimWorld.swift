import Foundation
import Logging
import RevoCore
import RevoRuntime
import RevoServer
import RevoSim

/// Everything one simulated run is made of: the executor and its virtual clock, the fault timeline, the fakes with
/// their physics, the real ``RevoSystem`` over them, and the application `revo serve` builds over that system, called
/// in process.
struct SimWorld: Sendable {
    let scenario: Scenario
    let seed: UInt64
    let random: SeededRandom
    let sim: SimulationExecutor
    let clock: SystemClock
    let faults: FaultInjector
    let machine: FakeMachine
    let memoryPrimary: FakeMemoryBackend
    let conversations: FakeConversationStore
    let users: FakeUserStore
    let outbox: any MemoryOutbox
    let system: RevoSystem
    /// Circuits and outbox replays as the system reports them.
    let events: SystemEventLog

    /// Where virtual time starts on the tokens' calendar: a fixed instant, so tokens are the same bytes in every run.
    static let epoch = Date(timeIntervalSince1970: 1_767_225_600)

    init(_ scenario: Scenario, seed: UInt64) {
        self.scenario = scenario
        self.seed = seed
        let random = SeededRandom(seed: seed)
        self.random = random
        let sim = SimulationExecutor(traceCapacity: 0)
        self.sim = sim
        // Deadlines are timers of the executor rather than sleeping tasks: the same virtual time, fewer jobs.
        let clock = SystemClock(virtualTimeOf: sim)
        self.clock = clock
        let faults = FaultInjector(faults: scenario.faults, random: random.split("faults"), clock: clock)
        self.faults = faults
        let machine = FakeMachine(scenario.machine, faults: faults)
        self.machine = machine
        let providers = scenario.system.providers.map { profile in
            FakeProvider(
                profile: profile,
                machine: machine,
                faults: faults,
                clock: clock,
                random: RandomSource(random.split("provider." + profile.descriptor.id.rawValue))
            )
        }
        func gate(_ target: FaultSpec.Target, _ latency: Duration, _ name: String) -> FaultGate {
            FaultGate(target: target, latency: latency, faults: faults, clock: clock, random: RandomSource(random.split("gate.\(name)")))
        }
        let spec = scenario.system
        memoryPrimary = FakeMemoryBackend(gate: gate(.memory, spec.memoryLatency, "memory"))
        conversations = FakeConversationStore(gate: gate(.database, spec.databaseLatency, "database"))
        users = FakeUserStore(gate: gate(.database, spec.databaseLatency, "database.users"))
        switch (spec.outboxEnabled, spec.plantedBug) {
        case (false, _): outbox = LossyOutbox()
        case (true, .outboxDropsDuringCacheOutage): outbox = CacheCoupledOutbox(faults: faults)
        case (true, nil): outbox = InMemoryOutbox()
        }
        let events = SystemEventLog(clock: clock)
        self.events = events
        system = RevoSystem(
            configuration: RevoSystem.Configuration(
                routing: spec.routing,
                parallelMind: spec.parallelMind,
                chat: ChatService.Settings(replyCacheTTL: spec.replyCache ? spec.replyCacheTTL : nil, servesStaleReplies: spec.staleReplies),
                databaseTimeout: spec.databaseTimeout,
                cacheTimeout: spec.cacheTimeout,
                seed: seed
            ),
            dependencies: RevoSystem.Dependencies(
                providers: providers,
                probe: machine,
                conversations: conversations,
                memoryPrimary: memoryPrimary,
                outbox: outbox,
                cache: FakeCache(gate: gate(.cache, spec.cacheLatency, "cache"), clock: clock),
                clock: clock,
                starter: sim,
                logger: SimRunner.quietLogger,
                events: events
            )
        )
    }

    /// The server's secret, drawn from the seed: never a built-in one, the same in every run of the seed.
    var secret: JWTSecret {
        var bytes = random.split("jwt-secret")
        return try! JWTSecret((0..<64).map { _ in UInt8(truncatingIfNeeded: bytes.next()) })
    }

    /// Token service on the virtual clock, its `jti`s from the system's seeded ids.
    func tokenService(offset: Duration = .zero) async -> TokenService {
        let clock = self.clock
        let ids = system.ids
        return await TokenService(
            secret: secret,
            settings: TokenService.Settings(accessLifetime: scenario.system.accessTokenLifetime),
            now: { Self.epoch.addingTimeInterval((clock.now + offset).timeInterval) },
            tokenID: { ids.next("jti") }
        )
    }

    /// The application `revo serve` builds, over this world's system, called in process.
    func application(tokens: TokenService, interceptor: InProcessServer.Interceptor? = nil) -> InProcessServer {
        let authentication = Authentication(tokens: tokens, users: users, passwords: PasswordHasher(cost: 4, placement: .inline))
        let router = RevoApplication.router(
            system: system,
            authentication: authentication,
            configuration: ServerConfiguration(
                allowedOrigins: scenario.system.allowedOrigins,
                requestsPerMinute: scenario.system.rateLimit
            ),
            clock: clock,
            starter: sim
        )
        return InProcessServer(router: router, logger: SimRunner.quietLogger, interceptor: interceptor)
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
