import Foundation
import RevoCore
import RevoDrivers
import RevoRuntime
import RevoSim
import Testing

/// Several servers sharing a Redis share their open circuits: what one learns spares the others the failed calls.
@Suite(
    "Circuits shared through Redis",
    .enabled(if: ProcessInfo.processInfo.environment["REVO_TEST_REDIS_URL"] != nil, "needs REVO_TEST_REDIS_URL (ci/test starts a server)")
)
struct SharedBreakerTests {
    /// A server's system: OpenAI (a fake with the sim's physics, shortened) then the mock, with `faults`.
    static func system(board: RedisBreakerBoard, faults: [FaultSpec], clock: SystemClock) async -> RevoSystem {
        var profile = ProviderProfile.defaults(for: .openai)!
        profile.timeToFirstToken = .milliseconds(1)
        profile.interTokenLatency = .microseconds(10)
        let machine = FakeMachine(
            MachineResources(totalRAM: .gigabytes(16), availableRAM: .gigabytes(8), cpuCores: 4),
            faults: FaultInjector(faults: [], random: SeededRandom(seed: 1), clock: clock)
        )
        let injector = FaultInjector(faults: faults, random: SeededRandom(seed: 2), clock: clock)
        var configuration = RevoSystem.Configuration(seed: 3)
        configuration.breakerSyncInterval = .milliseconds(50)
        let system = RevoSystem(
            configuration: configuration,
            dependencies: RevoSystem.Dependencies(
                providers: [
                    FakeProvider(profile: profile, machine: machine, faults: injector, clock: clock, random: RandomSource(seed: 4)),
                    InstantProvider(.mock()),
                ],
                probe: FixedResourceProbe(machine.current()),
                conversations: InMemoryConversationStore(),
                memoryPrimary: InMemoryMemoryBackend(),
                cache: nil,
                clock: clock,
                starter: ConcurrentTaskStarter(),
                breakerBoard: board
            )
        )
        await system.start()
        await system.modelsLoaded()
        return system
    }

    @Test("a 429 seen by one server cools the provider down on the other, which then skips it")
    func coolDownIsShared() async throws {
        let url = try RedisURL(parsing: try #require(ProcessInfo.processInfo.environment["REVO_TEST_REDIS_URL"]))
        // Generous timeouts: this is about behaviour, and a loaded CI machine can take longer than 250 ms.
        let client = RedisClient(url, settings: .init(connectTimeout: .seconds(5), commandTimeout: .seconds(5)))
        let board = RedisBreakerBoard(client: client, keyPrefix: "test-\(UUID().uuidString):breaker:")
        // Unix-based clocks, as revo serve runs them, so both servers read the board's times alike.
        let clock = SystemClock(ContinuousClock(), startingAt: .nanoseconds(Int64(Date().timeIntervalSince1970 * 1e9)))
        let limited = FaultSpec(id: "429", kind: .rateLimit(retryAfter: .seconds(30)), target: .provider(.openai))
        let first = await Self.system(board: board, faults: [limited], clock: clock)
        let second = await Self.system(board: board, faults: [], clock: clock)

        let answered = try await first.chat.chat(ChatRequest(content: "hello"))
        #expect(answered.provider == .mock)
        // The second server has made no call to OpenAI; within a few sync intervals it has its circuit open.
        var adopted: ProviderStatus?
        for _ in 0..<60 where adopted == nil {
            try await Task.sleep(for: .milliseconds(50))
            adopted = second.models.statuses().first { status in
                guard status.descriptor.id == .openai, case .open(_, let reason) = status.breaker else { return false }
                return reason.hasPrefix("open on another server: cooling down after 429")
            }
        }
        #expect(adopted != nil, "the second server never adopted the circuit: \(second.models.statuses().map(\.breaker))")
        let reply = try await second.chat.chat(ChatRequest(content: "hello from the second"))
        #expect(reply.provider == .mock)
        #expect(reply.trace.upstreamCalls == 1, "OpenAI skipped, only the mock called: \(reply.trace.summary)")

        // The board forgets a circuit once it has reopened.
        let open = try await board.open(among: [.openai, .mock])
        #expect(open.map(\.provider) == [.openai])
        #expect(try await board.open(among: [.anthropic]).isEmpty)
        await first.shutdown()
        await second.shutdown()
        _ = try? await client.send(["DEL", board.keyPrefix + "openai"])
        await client.shutdown()
    }
}
