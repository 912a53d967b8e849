import RevoRuntime
import Synchronization
import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Faults and fakes")
struct FaultAndFakeTests {
    @Test("fault windows: at, for, every")
    func windows() {
        let once = FaultSpec(id: "f", kind: .timeout, target: .database, at: .seconds(10), duration: .seconds(5))
        #expect([9, 10, 14, 15].map { once.occurrence(at: .seconds($0)) } == [nil, 0, 0, nil])
        let flapping = FaultSpec(id: "f", kind: .timeout, target: .database, at: .seconds(10), duration: .seconds(2), every: .seconds(5))
        #expect([10, 11, 12, 15, 17, 21].map { flapping.occurrence(at: .seconds($0)) } == [0, 0, nil, 1, nil, 2])
        #expect(
            flapping.windows(until: .seconds(22)) == [.seconds(10)...(.seconds(12)), .seconds(15)...(.seconds(17)), .seconds(20)...(.seconds(22))]
        )
        let forever = FaultSpec(id: "f", kind: .timeout, target: .database, at: .seconds(3))
        #expect(forever.occurrence(at: .seconds(1_000_000)) == 0)
    }

    @Test("the injector counts hits, honours first N and operations, and draws probabilities from the seed")
    func injector() throws {
        func run(seed: UInt64) throws -> ([Bool], [Int]) {
            let sim = SimulationExecutor()
            let clock = SystemClock(sim.clock)
            let injector = FaultInjector(
                faults: [
                    FaultSpec(id: "first-two", kind: .outage(code: nil), target: .database, firstN: 2, operations: ["write"]),
                    FaultSpec(id: "coin", kind: .outage(code: nil), target: .cache, probability: 0.5),
                ],
                random: SeededRandom(seed: seed),
                clock: clock
            )
            var hits: [Bool] = []
            for _ in 0..<4 { hits.append(injector.hit(.database, operation: "write") != nil) }
            hits.append(injector.hit(.database, operation: "read") != nil)
            for _ in 0..<20 { hits.append(injector.hit(.cache, operation: "get") != nil) }
            return (hits, injector.tallies.map(\.fired))
        }
        let (hits, fired) = try run(seed: 1)
        #expect(Array(hits.prefix(5)) == [true, true, false, false, false])
        #expect(fired[0] == 2)
        #expect((5...15).contains(fired[1]))
        #expect(try run(seed: 1).0 == hits)
        #expect(try run(seed: 2).0 != hits)
    }

    struct Harness {
        let sim = SimulationExecutor()
        let clock: SystemClock
        let faults: FaultInjector
        let machine: FakeMachine

        init(_ base: MachineResources, faults specs: [FaultSpec] = []) {
            clock = SystemClock(sim.clock)
            faults = FaultInjector(faults: specs, random: SeededRandom(seed: 7), clock: clock)
            machine = FakeMachine(base, faults: faults)
        }

        func provider(_ id: ProviderID) -> FakeProvider {
            FakeProvider(profile: .defaults(for: id)!, machine: machine, faults: faults, clock: clock, random: RandomSource(seed: 3))
        }

        func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
            try sim.runToCompletion("test", body)
        }
    }

    static let gpuMachine = MachineResources(
        totalRAM: .gigabytes(64),
        availableRAM: .gigabytes(48),
        gpus: [.init(name: "gpu0", totalMemory: .gigabytes(24), availableMemory: .gigabytes(24))],
        cpuCores: 16,
        nativeLibraries: ["cuda", "torch", "transformers"]
    )

    @Test("a local model takes its load time and footprint from the machine, and gives it back on unload")
    func loadTakesMemory() throws {
        let harness = Harness(Self.gpuMachine)
        let deepseek = harness.provider(.deepseekR1)
        let (loadedAt, during, after) = try harness.run {
            try await deepseek.load()
            let loadedAt = harness.clock.now
            let during = harness.machine.current().availableRAM
            await deepseek.unload()
            return (loadedAt, during, harness.machine.current().availableRAM)
        }
        #expect(loadedAt == .seconds(20))
        #expect(during == .gigabytes(44))
        #expect(after == .gigabytes(48))
    }

    @Test("a GPU taken by another tenant mid-run makes the loaded Llama fail with CUDA out of memory, until released")
    func gpuTakenUnderLoad() throws {
        let harness = Harness(
            Self.gpuMachine,
            faults: [FaultSpec(id: "tenant", kind: .gpuTaken(.gigabytes(12)), target: .machine, at: .seconds(100), duration: .seconds(60))]
        )
        let llama = harness.provider(.llamaLocal)
        let outcomes = try harness.run { () -> [String] in
            try await llama.load()
            var outcomes: [String] = []
            for at in [90, 120, 200] {
                try await harness.clock.sleep(until: .seconds(at))
                do {
                    var text = ""
                    for try await chunk in llama.generate(GenerationRequest(prompt: "hi", maxTokens: 16)) {
                        if case .token(let token) = chunk { text += token }
                    }
                    outcomes.append("ok \(text.split(separator: " ").count) words")
                } catch {
                    outcomes.append("\(error)")
                }
            }
            return outcomes
        }
        #expect(outcomes[0] == "ok 16 words")
        #expect(outcomes[1].hasPrefix("CUDA out of memory: another process holds 4.0 GB"))
        #expect(outcomes[2] == "ok 16 words")
        #expect(llama.inFlight == 0, "every stream gave its slot back")
    }

    @Test("time to first token and inter-token latency follow the profile; text is reproducible")
    func timing() throws {
        let harness = Harness(Self.gpuMachine)
        let openai = harness.provider(.openai)
        let (ttft, total, text) = try harness.run { () -> (Duration, Duration, String) in
            var first: Duration?
            var text = ""
            for try await chunk in openai.generate(GenerationRequest(prompt: "hello", maxTokens: 64, requestID: "r1")) {
                if case .token(let token) = chunk {
                    first = first ?? harness.clock.now
                    text += token
                }
            }
            return (first ?? .zero, harness.clock.now, text)
        }
        #expect(ttft >= .milliseconds(400) && ttft <= .milliseconds(600))
        #expect(total - ttft >= .milliseconds(56 * 12) && total - ttft <= .milliseconds(56 * 18))
        #expect(text.split(separator: " ").count == 64)
        let again = Harness(Self.gpuMachine)
        let replay = try again.run { () -> String in
            var text = ""
            for try await chunk in again.provider(.openai).generate(GenerationRequest(prompt: "hello", maxTokens: 64, requestID: "r1")) {
                if case .token(let token) = chunk { text += token }
            }
            return text
        }
        #expect(replay == text)
    }

    @Test("an answer completed in one step is the streamed answer: the same text, usage, time and cut", arguments: [nil, 24] as [Int?])
    func completeMatchesTheStream(cutAfter: Int?) throws {
        let faults = cutAfter.map { [FaultSpec(id: "cut", kind: .disconnect(afterTokens: $0), target: .provider(.openai))] } ?? []
        func outcome(streamed: Bool) throws -> (text: String, usage: TokenUsage?, at: Duration, failed: Bool) {
            let harness = Harness(Self.gpuMachine, faults: faults)
            let openai = harness.provider(.openai)
            let request = GenerationRequest(prompt: "the same prompt", maxTokens: 100, requestID: "r1")
            return try harness.run {
                var text = ""
                var usage: TokenUsage?
                do {
                    if streamed {
                        for try await chunk in openai.generate(request) {
                            switch chunk {
                            case .token(let token): text += token
                            case .finished(let total): usage = total
                            }
                        }
                    } else {
                        let whole = try await openai.complete(request)
                        text = whole?.text ?? ""
                        usage = whole?.usage
                    }
                } catch {
                    return (streamed ? "" : text, nil, harness.clock.now, true)
                }
                #expect(openai.inFlight == 0)
                return (text, usage, harness.clock.now, false)
            }
        }
        let streamed = try outcome(streamed: true)
        let completed = try outcome(streamed: false)
        #expect(completed.failed == (cutAfter != nil) && streamed.failed == completed.failed)
        #expect(completed.at == streamed.at && completed.at > .zero)
        #expect(completed.text == streamed.text && completed.usage == streamed.usage)
    }

    @Test("provider faults: 429 with Retry-After, disconnect mid-stream, OOM on load")
    func providerFaults() throws {
        let harness = Harness(
            Self.gpuMachine,
            faults: [
                FaultSpec(id: "429", kind: .rateLimit(retryAfter: .seconds(7)), target: .provider(.openai), firstN: 1),
                FaultSpec(id: "cut", kind: .disconnect(afterTokens: 16), target: .provider(.anthropic)),
                FaultSpec(id: "oom", kind: .oomOnLoad, target: .provider(.deepseekR1)),
            ]
        )
        let (first, second, cut, load) = try harness.run { () -> (String, String, String, String) in
            func attempt(_ provider: FakeProvider) async -> String {
                do {
                    var tokens = 0
                    for try await chunk in provider.generate(GenerationRequest(prompt: "x", maxTokens: 64)) {
                        if case .token = chunk { tokens += 1 }
                    }
                    return "ok"
                } catch {
                    return "\(error)"
                }
            }
            let openai = harness.provider(.openai)
            let load: String
            do {
                try await harness.provider(.deepseekR1).load()
                load = "loaded"
            } catch {
                load = "\(error)"
            }
            return (await attempt(openai), await attempt(openai), await attempt(harness.provider(.anthropic)), load)
        }
        #expect(first == "rate limited (Retry-After 7.000s)")
        #expect(second == "ok")
        #expect(cut == "server error 502: stream disconnected after 16 tokens")
        #expect(load == "CUDA out of memory: tried to allocate 4.0 GB")
        #expect(harness.faults.tallies.map(\.fired) == [1, 1, 1])
    }

    @Test("fake stores answer with the real dependencies' errors during an outage")
    func storeErrors() throws {
        let harness = Harness(
            Self.gpuMachine,
            faults: [
                FaultSpec(id: "pg", kind: .outage(code: "57P01"), target: .database, at: .seconds(1)),
                FaultSpec(id: "redis", kind: .outage(code: "LOADING"), target: .cache),
            ]
        )
        let random = RandomSource(seed: 1)
        let database = FakeConversationStore(
            gate: FaultGate(target: .database, latency: .milliseconds(2), faults: harness.faults, clock: harness.clock, random: random)
        )
        let cache = FakeCache(
            gate: FaultGate(target: .cache, latency: .milliseconds(1), faults: harness.faults, clock: harness.clock, random: random),
            clock: harness.clock
        )
        let (before, during, redis) = try harness.run { () -> (String, String, String) in
            func outcome(_ body: () async throws -> Void) async -> String {
                do {
                    try await body()
                    return "ok"
                } catch {
                    return "\(error)"
                }
            }
            let before = await outcome { try await database.ping() }
            try await harness.clock.sleep(until: .seconds(2))
            return (before, await outcome { try await database.ping() }, await outcome { _ = try await cache.get("k") })
        }
        #expect(before == "ok")
        #expect(during == "unavailable: 57P01 admin_shutdown: terminating connection due to administrator command")
        #expect(redis == "failed: -LOADING Redis is loading the dataset in memory")
    }
}
