import RevoCore
public import RevoRuntime
import RevoSim

/// RevoCore's own overhead on the real clock, with zero-latency fakes:
/// - fallback cost: a request whose primary refuses connections and whose fallback answers at once, timed inside the
///   model manager before the primary's circuit opens (every request pays the refused call) and after (it is skipped);
/// - chat throughput: requests per second through the whole ``ChatService`` path (validation, routing, conversation
///   store, memory recall and store), from several concurrent callers.
public struct CoreBenchmark: Sendable {
    public var fallbackRequests: Int
    public var chatRequests: Int
    public var concurrency: Int

    public init(fallbackRequests: Int = 20_000, chatRequests: Int = 20_000, concurrency: Int = 8) {
        self.fallbackRequests = fallbackRequests
        self.chatRequests = chatRequests
        self.concurrency = max(1, concurrency)
    }

    public struct Latencies: Sendable, Equatable {
        public var count: Int
        public var p50: Duration
        public var p99: Duration
        public var max: Duration

        init(_ samples: [Duration]) {
            let sorted = samples.sorted()
            count = sorted.count
            p50 = sorted.isEmpty ? .zero : sorted[(sorted.count - 1) / 2]
            p99 = sorted.isEmpty ? .zero : sorted[Int((Double(sorted.count - 1) * 0.99).rounded(.up))]
            max = sorted.last ?? .zero
        }
    }

    public struct Result: Sendable {
        public var fallbackBeforeOpen: Latencies
        public var fallbackAfterOpen: Latencies
        public var chatRequests: Int
        public var chatWall: Duration
        public var chatLatencies: Latencies

        public var chatPerSecond: Double {
            chatWall.seconds > 0 ? Double(chatRequests) / chatWall.seconds : 0
        }
    }

    public func run<C: Clock<Duration>>(clock wall: C, starter: any TaskStarter) async throws -> Result {
        let clock = SystemClock(wall)
        let machine = MachineResources(totalRAM: .gigabytes(16), availableRAM: .gigabytes(8), cpuCores: 2)
        let primary = RefusingProvider(.openai(hasKey: true))
        let fallback = InstantProvider(.anthropic(hasKey: true))
        let request = GenerationRequest(prompt: "benchmark", maxTokens: 16)

        // Before the circuit opens: a breaker that never opens makes every request pay the refused call.
        let unguarded = ModelManager(
            providers: [primary, fallback],
            policy: RoutingPolicy(mockEnabled: false, breaker: BreakerSettings(enabled: false)),
            probe: FixedResourceProbe(machine),
            clock: clock,
            random: RandomSource(seed: 1)
        )
        await unguarded.start()
        let before = try await timeRequests(fallbackRequests, clock: wall) { _ = try await unguarded.generate(request) }

        let guarded = ModelManager(
            providers: [primary, fallback],
            policy: RoutingPolicy(mockEnabled: false, breaker: BreakerSettings(minimumRequests: 5, cooldown: .seconds(3600))),
            probe: FixedResourceProbe(machine),
            clock: clock,
            random: RandomSource(seed: 1)
        )
        await guarded.start()
        for _ in 0..<5 { _ = try await guarded.generate(request) }
        let after = try await timeRequests(fallbackRequests, clock: wall) { _ = try await guarded.generate(request) }

        let system = RevoSystem(
            configuration: RevoSystem.Configuration(chat: ChatService.Settings(replyCacheTTL: nil), seed: 1),
            dependencies: RevoSystem.Dependencies(
                providers: [InstantProvider(.mock())],
                probe: FixedResourceProbe(machine),
                conversations: InMemoryConversationStore(),
                memoryPrimary: InMemoryMemoryBackend(),
                cache: InMemoryCache(clock: clock),
                clock: clock,
                starter: starter
            )
        )
        await system.start()
        await system.modelsLoaded()
        let perCaller = chatRequests / concurrency
        let start = wall.now
        let samples = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for caller in 0..<concurrency {
                group.addTask {
                    var samples: [Duration] = []
                    samples.reserveCapacity(perCaller)
                    for index in 0..<perCaller {
                        let chat = ChatRequest(content: "question \(caller)-\(index)", conversationID: "bench-\(caller)")
                        let begin = wall.now
                        _ = try await system.chat.chat(chat)
                        samples.append(begin.duration(to: wall.now))
                    }
                    return samples
                }
            }
            var all: [Duration] = []
            for try await part in group { all += part }
            return all
        }
        let chatWall = start.duration(to: wall.now)
        await system.shutdown()
        return Result(
            fallbackBeforeOpen: before,
            fallbackAfterOpen: after,
            chatRequests: samples.count,
            chatWall: chatWall,
            chatLatencies: Latencies(samples)
        )
    }

    private func timeRequests<C: Clock<Duration>>(
        _ count: Int,
        clock: C,
        _ body: () async throws -> Void
    ) async throws -> Latencies {
        var samples: [Duration] = []
        samples.reserveCapacity(count)
        for _ in 0..<count {
            let begin = clock.now
            try await body()
            samples.append(begin.duration(to: clock.now))
        }
        return Latencies(samples)
    }
}
