import RevoRuntime
import Synchronization

@testable import RevoCore
@testable import RevoSim

/// A small in-test provider: each call takes the next scripted behaviour (or the default), with delays on the
/// simulation's virtual clock.
final class ScriptedProvider: ModelProvider {
    enum Behaviour: Sendable {
        /// Streams `tokens` tokens, `tokenDelay` apart, after `firstTokenDelay`.
        case answer(tokens: Int = 3, firstTokenDelay: Duration = .milliseconds(100), tokenDelay: Duration = .milliseconds(10))
        /// Fails after `delay` without a token.
        case fail(ProviderError, after: Duration = .milliseconds(10))
        /// Streams `tokens` tokens, then fails.
        case failAfterTokens(Int, ProviderError)
        /// Never answers (until cancelled).
        case hang
    }

    struct State {
        var script: [Behaviour] = []
        var defaultBehaviour: Behaviour = .answer()
        var loadError: ProviderError?
        var loadTime: Duration = .zero
        var calls = 0
        var loads = 0
        var unloads = 0
    }

    let descriptor: ModelDescriptor
    let clock: SystemClock
    private let state: Mutex<State>

    init(_ descriptor: ModelDescriptor, clock: SystemClock, behaviour: Behaviour = .answer(), loadError: ProviderError? = nil) {
        self.descriptor = descriptor
        self.clock = clock
        self.state = Mutex(State(defaultBehaviour: behaviour, loadError: loadError))
    }

    /// Queues behaviours for the next calls; afterwards the default applies.
    func script(_ behaviours: Behaviour...) {
        state.withLock { $0.script += behaviours }
    }

    func setDefault(_ behaviour: Behaviour) {
        state.withLock { $0.defaultBehaviour = behaviour }
    }

    func setLoad(error: ProviderError?, time: Duration = .zero) {
        state.withLock {
            $0.loadError = error
            $0.loadTime = time
        }
    }

    var calls: Int { state.withLock { $0.calls } }
    var loads: Int { state.withLock { $0.loads } }
    var unloads: Int { state.withLock { $0.unloads } }

    func load() async throws(ProviderError) {
        let (error, time) = state.withLock { s in
            s.loads += 1
            return (s.loadError, s.loadTime)
        }
        do { try await clock.sleep(for: time) } catch { throw .unavailable("load cancelled") }
        if let error { throw error }
    }

    func unload() async {
        state.withLock { $0.unloads += 1 }
    }

    func health() async -> ProviderHealth { .healthy }

    func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationChunk, any Error> {
        let behaviour = state.withLock { s in
            s.calls += 1
            return s.script.isEmpty ? s.defaultBehaviour : s.script.removeFirst()
        }
        let clock = self.clock
        let name = descriptor.id.rawValue
        let promptTokens = request.estimatedPromptTokens
        let cursor = StreamCursor()
        return AsyncThrowingStream {
            guard !cursor.finished else { return nil }
            switch behaviour {
            case .answer(let tokens, let firstDelay, let tokenDelay):
                try await clock.sleep(for: cursor.emitted == 0 ? firstDelay : tokenDelay)
                if cursor.emitted < tokens {
                    return .token("\(name)-\(cursor.advance()) ")
                }
                cursor.finish()
                return .finished(TokenUsage(promptTokens: promptTokens, completionTokens: tokens))
            case .fail(let error, let delay):
                try await clock.sleep(for: delay)
                throw error
            case .failAfterTokens(let count, let error):
                try await clock.sleep(for: .milliseconds(10))
                if cursor.emitted < count {
                    return .token("\(name)-\(cursor.advance()) ")
                }
                throw error
            case .hang:
                try await clock.sleep(for: .seconds(86_400 * 365))
                return nil
            }
        }
    }
}

/// Position of one scripted stream.
private final class StreamCursor: Sendable {
    private let state = Mutex((emitted: 0, finished: false))

    var emitted: Int { state.withLock { $0.emitted } }
    var finished: Bool { state.withLock { $0.finished } }

    func advance() -> Int {
        state.withLock { s in
            s.emitted += 1
            return s.emitted
        }
    }

    func finish() {
        state.withLock { $0.finished = true }
    }
}

/// A probe whose machine the test changes over time.
final class MutableProbe: ResourceProbe {
    private let machine: Mutex<MachineResources>

    init(_ machine: MachineResources) {
        self.machine = Mutex(machine)
    }

    func set(_ change: (inout MachineResources) -> Void) {
        machine.withLock { change(&$0) }
    }

    func resources() async -> MachineResources {
        machine.withLock { $0 }
    }
}

extension MachineResources {
    /// 64 GB RAM, one 24 GB GPU, every library: everything fits.
    static let roomy = MachineResources(
        totalRAM: .gigabytes(64),
        availableRAM: .gigabytes(48),
        gpus: [.init(name: "gpu0", totalMemory: .gigabytes(24), availableMemory: .gigabytes(24))],
        cpuCores: 16,
        nativeLibraries: ["cuda", "torch", "transformers"]
    )
}

/// The original system's five providers, scripted, on one simulation.
struct ProviderFixture {
    let sim: SimulationExecutor
    let clock: SystemClock
    let deepseek: ScriptedProvider
    let llama: ScriptedProvider
    let openai: ScriptedProvider
    let anthropic: ScriptedProvider
    let mock: ScriptedProvider
    let probe: MutableProbe

    init(machine: MachineResources = .roomy, openaiKey: Bool = true, anthropicKey: Bool = true) {
        sim = SimulationExecutor()
        clock = SystemClock(sim.clock)
        deepseek = ScriptedProvider(.deepseekR1(), clock: clock)
        llama = ScriptedProvider(.llamaLocal(), clock: clock)
        openai = ScriptedProvider(.openai(hasKey: openaiKey), clock: clock)
        anthropic = ScriptedProvider(.anthropic(hasKey: anthropicKey), clock: clock)
        mock = ScriptedProvider(.mock(), clock: clock, behaviour: .answer(tokens: 2, firstTokenDelay: .zero, tokenDelay: .zero))
        probe = MutableProbe(machine)
    }

    var all: [ScriptedProvider] { [deepseek, llama, openai, anthropic, mock] }

    func manager(_ policy: RoutingPolicy = RoutingPolicy(), providers: [ScriptedProvider]? = nil) -> ModelManager {
        ModelManager(providers: providers ?? all, policy: policy, probe: probe, clock: clock, random: RandomSource(seed: 1))
    }

    /// A manager over the API providers and the mock only.
    func apiManager(_ policy: RoutingPolicy = RoutingPolicy()) -> ModelManager {
        manager(policy, providers: [openai, anthropic, mock])
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        try runSimulation(sim, body)
    }
}

let chat = GenerationRequest(prompt: "hello there", maxTokens: 64, requestID: "r1")

extension ModelManager {
    /// The outcome of one request as a typed `Result`, so tests can match the error's case.
    func result(_ request: GenerationRequest) async -> Result<ModelResponse, ModelManagerError> {
        await Result(awaiting: { () async throws(ModelManagerError) in try await generate(request) })
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
