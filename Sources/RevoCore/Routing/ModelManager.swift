public import Logging
public import RevoRuntime
import Synchronization

/// Picks a model for every request: loads local models the machine can hold, routes each request along the fallback
/// chain with one retry loop, keeps a circuit breaker per provider, and explains every answer with a ``DecisionTrace``.
///
/// Routing runs in the caller's task; shared state (provider states, breakers, cost) sits behind one lock held only
/// for short, synchronous decisions, so concurrent requests never wait on each other.
public final class ModelManager: Sendable {
    struct Entry: Sendable {
        var provider: any ModelProvider
        var state = ProviderState.unloaded
        var breaker: CircuitBreaker
        var loadAttempts = 0
        var consecutiveLoadFailures = 0
        var nextProbeAt: Duration?
        /// The machine when the last load attempt failed: more free memory since means "try again now".
        var machineAtFailure: MachineResources?
    }

    struct State: Sendable {
        var entries: [ProviderID: Entry]
        var costs = CostLedger()
        /// Footprints of loads in progress, so two concurrent loads cannot both count on the same free memory.
        var reservedForLoads = ResourceFootprint.zero
        var reprobeTask: Task<Void, Never>?

        /// Changes `id`'s entry in place (see `Dictionary.modifyValue(forKey:_:)`).
        mutating func updateEntry<Result>(_ id: ProviderID, _ change: (inout Entry) -> Result) -> Result? {
            entries.modifyValue(forKey: id, change)
        }
    }

    public let policy: RoutingPolicy
    /// Providers in the order they are tried.
    public let chain: [ProviderID]
    /// Every registered provider, in chain order, then the ones the chain leaves out.
    public let providerIDs: [ProviderID]
    private let registrationOrder: [ProviderID]

    /// Every registered provider: the names a request may ask for.
    public var registeredProviders: [ProviderID] { registrationOrder }
    private let probe: any ResourceProbe
    let clock: SystemClock
    let random: RandomSource
    private let logger: Logger
    let state: Mutex<State>

    /// Told when a circuit opens or closes.
    private let events: (any SystemEventSink)?

    public init(
        providers: [any ModelProvider],
        policy: RoutingPolicy = RoutingPolicy(),
        probe: any ResourceProbe,
        clock: SystemClock,
        random: RandomSource,
        logger: Logger = Logger(label: "revo.models"),
        events: (any SystemEventSink)? = nil
    ) {
        self.events = events
        self.policy = policy
        self.probe = probe
        self.clock = clock
        self.random = random
        self.logger = logger
        var entries: [ProviderID: Entry] = [:]
        var order: [ProviderID] = []
        for provider in providers where entries[provider.descriptor.id] == nil {
            entries[provider.descriptor.id] = Entry(provider: provider, breaker: CircuitBreaker(settings: policy.breaker))
            order.append(provider.descriptor.id)
        }
        self.registrationOrder = order
        let chain = policy.effectiveChain(registered: providers.map { ($0.descriptor.id, $0.descriptor.kind) })
        self.chain = chain
        self.providerIDs = chain + order.filter { !chain.contains($0) }
        self.state = Mutex(State(entries: entries))
    }

    // MARK: Start-up, re-probing, shutdown

    /// Decides, for every provider in chain order, whether it can be used on this machine, and loads the local ones
    /// that fit. Never throws: a provider that cannot be used is marked unavailable with the reason.
    public func start() async {
        // Providers with nothing to load first, so they answer while local models take their time.
        let instant = state.withLock { s in chain.filter { s.entries[$0]?.provider.descriptor.kind != .local } }
        for id in instant { await prepare(id) }
        for id in chain where !instant.contains(id) { await prepare(id) }
    }

    /// Starts the background loop that probes unavailable providers again (with backoff, or at once when the machine
    /// has more free memory than when they failed).
    public func startReprobing(with starter: any TaskStarter) {
        let task = starter.startPeriodic("models.reprobe", every: policy.reprobeInterval, on: clock) { [self] in
            await reconcile()
        }
        let previous = state.withLock { s in
            defer { s.reprobeTask = task }
            return s.reprobeTask
        }
        previous?.cancel()
    }

    /// Probes the unavailable providers whose backoff expired or whose resources improved.
    public func reconcile() async {
        let machine = await probe.resources()
        let now = clock.now
        let due = state.withLock { s in
            chain.filter { id in
                guard let entry = s.entries[id], case .unavailable(_, true) = entry.state else { return false }
                if let at = entry.nextProbeAt, now >= at { return true }
                guard let before = entry.machineAtFailure else { return false }
                return machine.availableRAM > before.availableRAM
                    || (machine.largestAvailableGPUMemory ?? .zero) > (before.largestAvailableGPUMemory ?? .zero)
            }
        }
        for id in due { await prepare(id) }
    }

    /// Stops re-probing and unloads every loaded model.
    public func shutdown() async {
        let (task, loaded) = state.withLock { s in
            defer { s.reprobeTask = nil }
            let loaded = registrationOrder.compactMap { id -> (any ModelProvider)? in
                guard let entry = s.entries[id], entry.state == .ready else { return nil }
                s.updateEntry(id) { $0.state = .unloaded }
                return entry.provider
            }
            return (s.reprobeTask, loaded)
        }
        task?.cancel()
        for provider in loaded { await provider.unload() }
    }

    /// Loads a provider when the machine can hold it: checks its key and libraries, reserves a placement, loads
    /// under the load timeout, and records the outcome.
    private func prepare(_ id: ProviderID) async {
        guard let provider = state.withLock({ $0.entries[id]?.provider }) else { return }
        let descriptor = provider.descriptor
        if descriptor.kind == .api, !descriptor.hasCredentials {
            markUnavailable(id, reason: "no API key configured", retryable: false, machine: nil)
            return
        }
        let machine = await probe.resources()
        if let missing = descriptor.requiredLibraries.first(where: { !machine.hasLibrary($0) }) {
            markUnavailable(id, reason: ProviderError.missingLibrary(missing).description, retryable: true, machine: machine)
            return
        }
        if let unmet = descriptor.requirement.unmetReason(on: machine) {
            markUnavailable(id, reason: unmet, retryable: true, machine: machine)
            return
        }
        let footprint: ResourceFootprint
        switch reservePlacement(for: id, descriptor, on: machine) {
        case .success(let fitting): footprint = fitting
        case .failure(let misfit):
            markUnavailable(id, reason: misfit.reason, retryable: true, machine: machine)
            return
        }
        let outcome = await load(provider)
        state.withLock { s in
            s.reservedForLoads = ResourceFootprint(
                ram: s.reservedForLoads.ram - footprint.ram,
                gpuMemory: s.reservedForLoads.gpuMemory - footprint.gpuMemory
            )
        }
        if let outcome {
            markUnavailable(id, reason: outcome.description, retryable: true, machine: machine)
        } else {
            markReady(id)
        }
    }

    /// The first placement that fits (GPU, then CPU), reserved until the load ends; the provider is then loading.
    private func reservePlacement(
        for id: ProviderID,
        _ descriptor: ModelDescriptor,
        on machine: MachineResources
    ) -> Result<ResourceFootprint, PlacementMisfit> {
        state.withLock { s in
            let reserved = s.reservedForLoads
            guard let fitting = descriptor.placements.first(where: { $0.misfit(on: machine, alreadyReserved: reserved) == nil }) else {
                return .failure(PlacementMisfit(reason: descriptor.footprint.misfit(on: machine, alreadyReserved: reserved) ?? "does not fit"))
            }
            s.reservedForLoads = s.reservedForLoads + fitting
            s.updateEntry(id) { entry in
                entry.state = .loading
                entry.loadAttempts += 1
            }
            return .success(fitting)
        }
    }

    /// Why the load failed, or nil when the provider loaded within the load timeout.
    private func load(_ provider: any ModelProvider) async -> ProviderError? {
        let loadTimeout = policy.loadTimeout
        do {
            // An untyped closure: Swift 6.3 crashes reabstracting a typed-throws one here.
            try await clock.withDeadline(clock.now + loadTimeout) {
                try await provider.load()
            }
            return nil
        } catch let error as ProviderError {
            return error
        } catch is TimeoutError {
            return .unavailable("load did not finish within \(loadTimeout.formattedSeconds)")
        } catch {
            return .unavailable("load failed: \(error)")
        }
    }

    private func markReady(_ id: ProviderID) {
        state.withLock { s in
            s.updateEntry(id) { entry in
                entry.state = .ready
                entry.consecutiveLoadFailures = 0
                entry.nextProbeAt = nil
                entry.machineAtFailure = nil
            }
        }
        logger.info("provider ready", metadata: ["provider": "\(id)"])
    }

    private func markUnavailable(_ id: ProviderID, reason: String, retryable: Bool, machine: MachineResources?) {
        let now = clock.now
        let policy = self.policy
        state.withLock { s in
            guard var entry = s.entries[id] else { return }
            entry.state = .unavailable(reason: reason, retryable: retryable)
            if retryable {
                entry.consecutiveLoadFailures += 1
                let doublings = min(entry.consecutiveLoadFailures - 1, 20)
                let backoff = policy.reprobeInitial * (1 << doublings)
                entry.nextProbeAt = now + (backoff > policy.reprobeMax ? policy.reprobeMax : backoff)
                entry.machineAtFailure = machine
            } else {
                entry.nextProbeAt = nil
            }
            s.entries[id] = entry
        }
        logger.warning("provider unavailable", metadata: ["provider": "\(id)", "reason": "\(reason)"])
    }

    // MARK: Status

    /// Every registered provider, in ``providerIDs`` order.
    public func statuses() -> [ProviderStatus] {
        state.withLock { s in
            providerIDs.compactMap { id in
                guard let entry = s.entries[id] else { return nil }
                return ProviderStatus(
                    descriptor: entry.provider.descriptor,
                    state: entry.state,
                    breaker: entry.breaker.state,
                    breakerOpenings: entry.breaker.openings,
                    loadAttempts: entry.loadAttempts,
                    nextProbeAt: entry.nextProbeAt
                )
            }
        }
    }

    /// The circuits open at `now`, in ``providerIDs`` order: what a server shares with others.
    public func openCircuits(at now: Duration) -> [OpenCircuit] {
        state.withLock { s in
            providerIDs.compactMap { id in
                guard case .open(let until, let reason) = s.entries[id]?.breaker.state, until > now else { return nil }
                return OpenCircuit(provider: id, until: until, reason: reason)
            }
        }
    }

    /// Opens a provider's circuit until `circuit.until` because another server found it failing (no failure is
    /// counted here); false when it was already open at least that long.
    @discardableResult
    public func adopt(_ circuit: OpenCircuit, at now: Duration) -> Bool {
        state.withLock { s in
            guard s.entries[circuit.provider] != nil, circuit.until > now else { return false }
            if case .open(let until, _) = s.entries[circuit.provider]?.breaker.state, until >= circuit.until { return false }
            s.updateEntry(circuit.provider) { $0.breaker.coolDown(until: circuit.until, reason: "open on another server: \(circuit.reason)") }
            return true
        }
    }

    /// Providers that can take a request now (ready, circuit not open), in chain order.
    public func availableProviders() -> [ProviderID] {
        let now = clock.now
        return state.withLock { s in
            chain.filter { id in
                guard let entry = s.entries[id], entry.state.isReady else { return false }
                if let reopens = entry.breaker.reopensAt, reopens > now { return false }
                return true
            }
        }
    }

    public func costSummary() -> CostLedger.Summary {
        state.withLock { $0.costs.summary() }
    }

    /// Models are healthy when every provider in the chain is usable, degraded when some are not (or only the mock
    /// answers), unhealthy when nothing can answer.
    public func health() -> ComponentHealth {
        let now = clock.now
        // Read in place under the lock: a status per provider copied each descriptor, on every health check.
        let (reasons, usable, usableMocks) = state.withLock { s in
            var reasons: [String] = []
            var usable = 0
            var usableMocks = 0
            for id in providerIDs where chain.contains(id) {
                guard let entry = s.entries[id] else { continue }
                switch entry.state {
                case .unavailable(let reason, _):
                    reasons.append("\(id): \(reason)")
                case .unloaded, .loading:
                    reasons.append("\(id): \(entry.state == .loading ? "loading" : "not loaded")")
                case .ready:
                    if case .open(let until, let reason) = entry.breaker.state, until > now {
                        reasons.append("\(id): \(reason)")
                    } else {
                        usable += 1
                        if entry.provider.descriptor.kind == .mock { usableMocks += 1 }
                    }
                }
            }
            return (reasons, usable, usableMocks)
        }
        if usable == 0 {
            return ComponentHealth(status: .unhealthy, reasons: ["no model available"] + reasons)
        }
        if usableMocks == usable {
            return ComponentHealth(status: .degraded, reasons: ["only the mock answers"] + reasons)
        }
        return ComponentHealth(status: reasons.isEmpty ? .healthy : .degraded, reasons: reasons)
    }

    // MARK: Generation

    /// Answers `request` with the first provider along the chain that can, retrying and falling back by error class.
    public func generate(_ request: GenerationRequest) async throws(ModelManagerError) -> ModelResponse {
        try await route(request, sink: nil)
    }

    /// Like ``generate(_:)``, handing each token to `onToken` as it arrives. A failure before the first token falls
    /// back transparently; a failure after it ends the stream with ``ModelManagerError/interrupted(_:)``, reporting
    /// exactly what was delivered.
    public func stream(
        _ request: GenerationRequest,
        onToken: @escaping @Sendable (String) async throws -> Void
    ) async throws(ModelManagerError) -> ModelResponse {
        try await route(request, sink: onToken)
    }

    enum Admission {
        case go(ModelDescriptor, any ModelProvider)
        case skip(String, reopensAt: Duration?)
    }

    func admit(_ id: ProviderID, requiredContext: Int, bypassBreaker: Bool, at now: Duration) -> Admission {
        let capUSD = policy.cost.dailyCapUSD
        return state.withLock { s in
            // The entry is read and its breaker asked in place: a copy written back retains every reference it holds,
            // on every request, in a table all requests share.
            guard let index = s.entries.index(forKey: id) else { return .skip("not registered", reopensAt: nil) }
            let provider = s.entries.values[index].provider
            let descriptor = provider.descriptor
            switch s.entries.values[index].state {
            case .ready: break
            case .unavailable(let reason, _): return .skip(reason, reopensAt: nil)
            case .loading: return .skip("still loading", reopensAt: nil)
            case .unloaded: return .skip("not loaded", reopensAt: nil)
            }
            if descriptor.contextWindow < requiredContext {
                return .skip("context window \(descriptor.contextWindow) < \(requiredContext) tokens needed", reopensAt: nil)
            }
            if descriptor.isCloud, s.costs.spentToday(at: now) >= capUSD {
                return .skip("daily cost cap $\(capUSD) reached", reopensAt: nil)
            }
            if bypassBreaker {
                guard s.entries.values[index].breaker.forceProbe() else {
                    return .skip("every circuit open; a probe of \(id) is in flight", reopensAt: nil)
                }
            } else if case .rejected(let retryAt, let reason) = s.entries.values[index].breaker.permit(at: now) {
                return .skip(reason, reopensAt: retryAt)
            }
            return .go(descriptor, provider)
        }
    }

    /// Each provider's entry: its circuit's outcome window (a fixed ring of counters) and its status.
    public var residentBytes: Int {
        state.withLock { s in s.entries.count * (2 * OutcomeWindow.slots * MemoryLayout<Int>.stride + 256) }
    }

    func recordFailure(_ id: ProviderID, _ error: ProviderError, at now: Duration) {
        let settings = policy.breaker
        let transition = state.withLock { s -> SystemEvent? in
            let before = s.entries[id]?.breaker.state
            // Mutated in place: a copy of the entry would share the breaker's outcome window with the dictionary, and
            // the first append would then copy the whole window on every call.
            guard s.entries[id] != nil else { return nil }
            switch error {
            case .rateLimited(let retryAfter):
                let until = now + (retryAfter ?? settings.rateLimitCooldown)
                s.updateEntry(id) { $0.breaker.coolDown(until: until, reason: "cooling down after 429 until t+\(until.formattedSeconds)") }
            case .contextTooLong, .contentPolicy, .invalidRequest:
                // About this request, not the provider's health.
                s.updateEntry(id) { $0.breaker.recordAbandoned() }
            default:
                s.updateEntry(id) { $0.breaker.recordFailure(error, at: now) }
                if case .outOfMemory(let detail) = error, s.entries[id]?.provider.descriptor.kind == .local {
                    logger.warning("provider out of memory under load", metadata: ["provider": "\(id)", "detail": "\(detail)"])
                }
            }
            return Self.transition(of: id, from: before, to: s.entries[id]?.breaker.state)
        }
        if let transition { events?.record(transition) }
    }

    /// The event of a circuit's change of state, if it opened or closed.
    private static func transition(of id: ProviderID, from before: CircuitBreaker.State?, to after: CircuitBreaker.State?) -> SystemEvent? {
        switch (before, after) {
        case (.open?, .open?), (.closed?, .closed?), (nil, _), (_, nil): return nil
        case (_, .open(_, let reason)?): return .circuitOpened(id, reason: reason)
        case (_, .closed?): return .circuitClosed(id)
        default: return nil
        }
    }

    /// A success and its cost under one hold of the lock: every answer passes here, and two requests finishing
    /// together otherwise met at the lock twice.
    func recordAnswer(_ id: ProviderID, kind: ProviderKind, costUSD: Double, at now: Duration) {
        let transition = state.withLock { s in
            let before = s.entries[id]?.breaker.state
            s.updateEntry(id) { $0.breaker.recordSuccess(at: now) }
            s.costs.record(kind: kind, costUSD: costUSD, at: now)
            return Self.transition(of: id, from: before, to: s.entries[id]?.breaker.state)
        }
        if let transition { events?.record(transition) }
    }

    /// The call was given up (its task cancelled): it counts neither for nor against the circuit.
    func recordAbandoned(_ id: ProviderID) {
        state.withLock { $0.updateEntry(id) { $0.breaker.recordAbandoned() } }
    }

    /// Whether the circuit would refuse a call to `id` now.
    func circuitRejects(_ id: ProviderID) -> Bool {
        if case .rejected = state.withLock({ $0.updateEntry(id) { $0.breaker.permit(at: clock.now) } ?? .allowed }) { return true }
        return false
    }

    enum AttemptResult: Sendable {
        case answered(String, TokenUsage, firstTokenAt: Duration?)
        case failed(ProviderError, delivered: String, deliveredTokens: Int)
        case cancelled
    }

    /// One call to one provider under a deadline. Tokens reach the sink as they arrive; the delivery record says what
    /// a streaming client already has if the call fails midway (with no sink, nobody has anything yet).
    func attempt(
        _ provider: any ModelProvider,
        _ request: GenerationRequest,
        deadline: Duration,
        sink: (@Sendable (String) async throws -> Void)?
    ) async -> AttemptResult {
        let delivery = sink == nil ? nil : Delivery()
        do {
            // A provider's `waits` speaks for `complete`; a stream, which another task may feed, is raced. Each case
            // hands over its own closure: one closure value kept for all three would be allocated on every attempt.
            let waits = sink == nil || provider.waits == .never ? provider.waits : .onAnything
            let answer: Generated =
                switch waits {
                case .never:
                    try await clock.withDeadline(unraced: deadline) { try await generate(provider, request, sink: sink, delivery: delivery) }
                case .onClockOnly:
                    try await clock.withDeadline(kept: deadline) { try await generate(provider, request, sink: sink, delivery: delivery) }
                case .onAnything:
                    try await clock.withDeadline(deadline) { try await self.generate(provider, request, sink: sink, delivery: delivery) }
                }
            return .answered(answer.text, answer.usage, firstTokenAt: answer.firstTokenAt)
        } catch {
            let snapshot = delivery?.snapshot ?? (text: "", tokens: 0)
            let providerError: ProviderError
            switch error {
            case let error as ProviderError: providerError = error
            case let error as any ProviderErrorConvertible: providerError = error.providerError
            case is TimeoutError: providerError = .timeout
            case is CancellationError where Task.isCancelled: return .cancelled
            default: providerError = .serverError(status: 500, message: "\(error)")
            }
            return .failed(providerError, delivered: snapshot.text, deliveredTokens: snapshot.tokens)
        }
    }

    /// A provider's whole answer and when its first token came.
    private struct Generated: Sendable {
        var text: String
        var usage: TokenUsage
        var firstTokenAt: Duration?
    }

    /// The provider's answer: in one piece through `complete` when nobody streams it and the provider can, else from
    /// its stream, each token handed to the sink (and recorded as delivered) as it arrives.
    private func generate(
        _ provider: any ModelProvider,
        _ request: GenerationRequest,
        sink: (@Sendable (String) async throws -> Void)?,
        delivery: Delivery?
    ) async throws -> Generated {
        if sink == nil, let whole = try await provider.complete(request) {
            return Generated(text: whole.text, usage: whole.usage, firstTokenAt: clock.now)
        }
        var text = ""
        var firstTokenAt: Duration?
        for try await chunk in provider.generate(request) {
            switch chunk {
            case .token(let token):
                text += token
                if let sink {
                    try await sink(token)
                    delivery?.delivered(token)
                }
                if firstTokenAt == nil { firstTokenAt = clock.now }
            case .finished(let usage):
                return Generated(text: text, usage: usage, firstTokenAt: firstTokenAt)
            }
        }
        throw ProviderError.serverError(status: 502, message: "stream ended without completing")
    }
}

private struct PlacementMisfit: Error {
    var reason: String
}

/// What one attempt has handed to a streaming client so far.
private final class Delivery: Sendable {
    private let state = Mutex((text: "", tokens: 0))

    func delivered(_ token: String) {
        state.withLock { s in
            s.text += token
            s.tokens += 1
        }
    }

    var snapshot: (text: String, tokens: Int) {
        state.withLock { $0 }
    }
}
