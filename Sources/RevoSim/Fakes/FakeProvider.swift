public import RevoCore
public import RevoRuntime
import Synchronization

/// A model provider with physics: it takes memory from the ``FakeMachine`` when it loads, answers after a time to
/// first token, streams tokens at its inter-token latency (both with seeded spread), slows down when more requests
/// run than it has slots, and fails the way declared faults say. Its text is derived from the prompt and the seed.
///
/// Tokens are streamed in chunks of ``tokensPerChunk`` (as servers flush), which keeps long scenarios cheap to
/// simulate; usage still counts every token.
public final class FakeProvider: ModelProvider {
    public static let tokensPerChunk = 8

    struct State {
        var loaded: ResourceFootprint?
        var inFlight = 0
        var served = 0
    }

    public let profile: ProviderProfile
    public var descriptor: ModelDescriptor { profile.descriptor }
    private let machine: FakeMachine
    private let faults: FaultInjector
    private let clock: SystemClock
    private let random: RandomSource
    private let state = Mutex(State())

    public init(profile: ProviderProfile, machine: FakeMachine, faults: FaultInjector, clock: SystemClock, random: RandomSource) {
        self.profile = profile
        self.machine = machine
        self.faults = faults
        self.clock = clock
        self.random = random
    }

    private var target: FaultSpec.Target { .provider(descriptor.id) }

    /// ``complete(_:)`` only sleeps on the simulation's clock (and always answers).
    public var waits: Waits { .onClockOnly }

    public var inFlight: Int { state.withLock { $0.inFlight } }
    public var served: Int { state.withLock { $0.served } }

    // MARK: Loading

    public func load() async throws(ProviderError) {
        guard descriptor.kind == .local else { return }
        do { try await clock.sleep(for: profile.loadTime) } catch { throw .unavailable("load cancelled") }
        for fault in faults.hits(target, operation: "load") {
            switch fault.kind {
            case .oomOnLoad:
                throw .outOfMemory(
                    "CUDA out of memory: tried to allocate \(descriptor.footprint.gpuMemory > .zero ? descriptor.footprint.gpuMemory : descriptor.footprint.ram)"
                )
            case .missingLibrary(let library): throw .missingLibrary(library)
            case .outage: throw .unavailable("model server not responding")
            default: continue
            }
        }
        let machineNow = machine.current()
        if let missing = descriptor.requiredLibraries.first(where: { !machineNow.hasLibrary($0) }) {
            throw .missingLibrary(missing)
        }
        var lastMisfit = "does not fit"
        for placement in descriptor.placements {
            if let misfit = machine.allocate(placement) {
                lastMisfit = misfit
                continue
            }
            state.withLock { $0.loaded = placement }
            return
        }
        throw .outOfMemory(lastMisfit)
    }

    public func unload() async {
        let footprint = state.withLock { s in
            defer { s.loaded = nil }
            return s.loaded
        }
        if let footprint { machine.release(footprint) }
    }

    public func health() async -> ProviderHealth {
        if let fault = faults.active(target).first(where: { if case .outage = $0.kind { true } else { false } }) {
            return .unhealthy("\(fault.kind.name) (\(fault.id))")
        }
        return .healthy
    }

    // MARK: Generation

    public func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationChunk, any Error> {
        let plan: Result<Plan, ProviderError> = prepare(request)
        // A successful plan took a slot; the cursor gives it back when the stream ends or is dropped.
        let cursor = Cursor(provider: self, holding: (try? plan.get()) != nil)
        let clock = self.clock
        return AsyncThrowingStream {
            let plan = try plan.get()
            if cursor.emitted >= plan.tokens {
                guard !cursor.finished else { return nil }
                cursor.finish()
                return .finished(TokenUsage(promptTokens: request.estimatedPromptTokens, completionTokens: plan.tokens))
            }
            if plan.hangs {
                try await clock.sleep(for: .seconds(86_400 * 365))
            }
            let chunk = min(Self.tokensPerChunk, plan.tokens - cursor.emitted)
            let wait = cursor.emitted == 0 ? plan.firstToken : plan.wait(forChunkOf: chunk)
            try await clock.sleep(for: wait)
            if let cut = plan.cutAfter, cursor.emitted >= cut {
                throw ProviderError.serverError(status: 502, message: "stream disconnected after \(cut) tokens")
            }
            if let fault = plan.streamFault, cursor.emitted >= fault.afterTokens { throw fault }
            if let stall = plan.stallAfter, cursor.emitted >= stall, !cursor.stalled {
                cursor.stalled = true
                try await clock.sleep(until: plan.stallUntil)
            }
            let text = plan.text(cursor.emitted..<cursor.emitted + chunk)
            cursor.advance(by: chunk)
            return .token(text)
        }
    }

    /// The answer without streaming it: the same plan, the same waits summed chunk by chunk, the same text or failure,
    /// reached after one sleep instead of one per chunk (nobody sees the chunks of an answer that is not streamed).
    public func complete(_ request: GenerationRequest) async throws -> Completion? {
        let plan = try prepare(request).get()
        // The slot a successful plan took is given back however the call ends.
        defer { release() }
        if plan.hangs { try await clock.sleep(for: .seconds(86_400 * 365)) }
        var emitted = 0
        var wait = Duration.zero
        var stalledAt: Duration?
        while emitted < plan.tokens {
            let chunk = min(Self.tokensPerChunk, plan.tokens - emitted)
            wait += emitted == 0 ? plan.firstToken : plan.wait(forChunkOf: chunk)
            if let cut = plan.cutAfter, emitted >= cut {
                try await clock.sleep(for: wait)
                throw ProviderError.serverError(status: 502, message: "stream disconnected after \(cut) tokens")
            }
            if let fault = plan.streamFault, emitted >= fault.afterTokens {
                try await clock.sleep(for: wait)
                throw fault
            }
            if let stall = plan.stallAfter, emitted >= stall, stalledAt == nil { stalledAt = wait }
            emitted += chunk
        }
        if let stalledAt {
            // Up to the stall, while the fault lasts, then the rest.
            try await clock.sleep(for: stalledAt)
            try await clock.sleep(until: plan.stallUntil)
            try await clock.sleep(for: wait - stalledAt)
        } else {
            try await clock.sleep(for: wait)
        }
        return Completion(
            text: plan.text(0..<plan.tokens),
            usage: TokenUsage(promptTokens: request.estimatedPromptTokens, completionTokens: plan.tokens)
        )
    }

    /// Everything decided when the request arrives: faults, timing, length, text.
    struct Plan: Sendable {
        var firstToken: Duration
        var interToken: Duration
        var tokens: Int
        var cutAfter: Int?
        var stallAfter: Int?
        var stallUntil: Duration
        var streamFault: StreamFault?
        var hangs: Bool
        var seed: UInt64
        /// ``interToken`` times a full chunk, multiplied once: `Duration * Int` is generic in the standard library.
        var fullChunk: Duration

        /// The wait for a chunk of `count` tokens after the first chunk.
        func wait(forChunkOf count: Int) -> Duration {
            count == FakeProvider.tokensPerChunk ? fullChunk : interToken * count
        }

        /// The words at `tokens`, each followed by a space: a word per token, chosen by mixing the seed and the token's
        /// index (SplitMix64's finalizer), written straight into the string's storage.
        func text(_ tokens: Range<Int>) -> String {
            let vocabulary = FakeProvider.vocabularyWords
            return UTF8Writer.string(capacity: tokens.count * (vocabulary.longest + 1)) { text in
                vocabulary.withWords { vocabulary in
                    for index in tokens {
                        let mixed = SplitMix64.mix(seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
                        text.append(bytes: vocabulary[Int(mixed % UInt64(vocabulary.count))])
                        text.append(byte: UInt8(ascii: " "))
                    }
                }
            }
        }
    }

    private func prepare(_ request: GenerationRequest) -> Result<Plan, ProviderError> {
        var extraLatency = Duration.zero
        var cutAfter: Int?
        var stallAfter: Int?
        var stallUntil = Duration.zero
        var streamFault: StreamFault?
        var hangs = false
        for fault in faults.hits(target, operation: "generate") {
            switch fault.kind {
            case .outage(let code): return .failure(.connectionRefused(code ?? "\(descriptor.id) endpoint"))
            case .rateLimit(let retryAfter): return .failure(.rateLimited(retryAfter: retryAfter))
            case .serverError(let status): return .failure(.serverError(status: status, message: "injected by \(fault.id)"))
            case .errorRate(_, let code): return .failure(.serverError(status: Int(code ?? "") ?? 500, message: "injected by \(fault.id)"))
            case .contentPolicy: return .failure(.contentPolicy("flagged by \(fault.id)"))
            case .timeout: hangs = true
            case .latency(let extra): extraLatency += extra
            case .disconnect(let after): cutAfter = after
            case .stall(let after):
                stallAfter = after
                // The stream stays stalled while the fault lasts (a year when it never ends).
                let now = clock.now
                let occurrence = fault.occurrence(at: now) ?? 0
                stallUntil = fault.duration.map { fault.at + (fault.every ?? .zero) * occurrence + $0 } ?? now + .seconds(86_400 * 365)
            case .streamFault(let form, let after): streamFault = StreamFault(form: form, afterTokens: after)
            case .oomOnLoad, .missingLibrary, .gpuTaken, .ramTaken: continue
            }
        }
        if descriptor.kind == .local {
            guard let loaded = state.withLock({ $0.loaded }) else { return .failure(.unavailable("model not loaded")) }
            let overcommit = machine.gpuOvercommit
            if loaded.gpuMemory > .zero, overcommit > .zero {
                return .failure(.outOfMemory("CUDA out of memory: another process holds \(overcommit) of the model's GPU memory"))
            }
        }
        let window = min(descriptor.contextWindow, profile.servedContext ?? .max)
        if request.requiredContext > window {
            return .failure(.contextTooLong(limit: window, requested: request.requiredContext))
        }
        let inFlight = state.withLock { s in
            s.inFlight += 1
            s.served += 1
            return s.inFlight
        }
        let slowdown = 1 + profile.slowdownPerExtra * Double(max(0, inFlight - profile.concurrencySlots))
        let tokens = max(1, min(request.maxTokens, Int((Double(profile.outputTokens) * jitter()).rounded())))
        var seed = StableHash(basis: random.seed)
        seed.combine(wordsOf: request.prompt)
        seed.combine(request.requestID)
        let firstToken = profile.timeToFirstToken * (jitter() * slowdown) + extraLatency
        let interToken = profile.interTokenLatency * (jitter() * slowdown)
        return .success(
            Plan(
                firstToken: firstToken,
                interToken: interToken,
                tokens: tokens,
                cutAfter: cutAfter,
                stallAfter: stallAfter,
                stallUntil: stallUntil,
                streamFault: streamFault,
                hangs: hangs,
                seed: seed.value,
                fullChunk: interToken * Self.tokensPerChunk
            )
        )
    }

    private func jitter() -> Double {
        1 + profile.spread * (random.unitInterval() * 2 - 1)
    }

    fileprivate func release() {
        state.withLock { $0.inFlight -= 1 }
    }

    /// The words as bytes, to write replies without a string per word.
    static let vocabularyWords = WordTable(vocabulary)

    static let vocabulary = [
        "the", "model", "answers", "with", "care", "and", "a", "plan", "for", "each", "request", "memory", "cache",
        "database", "engine", "stream", "token", "latency", "budget", "fallback", "provider", "health", "ready",
        "degraded", "recover", "retry", "circuit", "open", "closed", "probe", "deploy", "scale", "worker", "queue",
    ]
}

/// Where one fake stream is; frees its provider slot exactly once, when it finishes or is dropped.
private final class Cursor: Sendable {
    private let state: Mutex<(emitted: Int, finished: Bool, holding: Bool)>
    private let provider: FakeProvider
    /// Whether the stream already waited out its stall (it stalls once).
    private let stall = Mutex(false)

    init(provider: FakeProvider, holding: Bool) {
        self.provider = provider
        self.state = Mutex((0, false, holding))
    }

    var stalled: Bool {
        get { stall.withLock { $0 } }
        set { stall.withLock { $0 = newValue } }
    }

    var emitted: Int { state.withLock { $0.emitted } }
    var finished: Bool { state.withLock { $0.finished } }

    func advance(by count: Int) {
        state.withLock { $0.emitted += count }
    }

    func finish() {
        let release = state.withLock { s in
            defer {
                s.finished = true
                s.holding = false
            }
            return s.holding
        }
        if release { provider.release() }
    }

    deinit {
        if state.withLock({ $0.holding }) { provider.release() }
    }
}
