public import RevoCore
public import RevoRuntime
public import RevoSim
import Synchronization

/// The state behind `revo fake-llm`: the current physics and faults as a ``FakeProvider`` (rebuilt on every admin
/// change, so a request sees one consistent configuration), and what was served.
public final class FakeUpstream: Sendable {
    public static let providerID = ProviderID("fake-llm")

    /// What the admin API reports: requests by answer, and the faults added (with how often each fired).
    public struct Statistics: Sendable, Codable, Equatable {
        public var requests = 0
        public var streamed = 0
        public var byStatus: [String: Int] = [:]
        public var disconnected = 0
        public var faults: [FaultState] = []
    }

    public struct FaultState: Sendable, Codable, Equatable {
        public var id: String
        public var kind: String
        public var fired: Int
        public var active: Bool
    }

    struct State {
        var settings: FakeLLMSettings
        var faults: [FaultSpec] = []
        var provider: FakeProvider
        var injector: FaultInjector
        /// Fired counts of faults from injectors replaced since.
        var firedBefore: [String: Int] = [:]
        var statistics = Statistics()
        var generation: UInt64 = 0
        /// Numbers the faults added, so an id never repeats (after a clear either).
        var added = 0
    }

    public let clock: SystemClock
    private let random: SeededRandom
    private let machine: FakeMachine
    private let state: Mutex<State>

    public init(settings: FakeLLMSettings, seed: UInt64, clock: SystemClock) {
        self.clock = clock
        self.random = SeededRandom(seed: seed)
        let quiet = FaultInjector(faults: [], random: SeededRandom(seed: seed), clock: clock)
        // Room for anything: an API upstream never runs out of memory here.
        self.machine = FakeMachine(MachineResources(totalRAM: .gigabytes(1024), availableRAM: .gigabytes(1024), cpuCores: 64), faults: quiet)
        let (provider, injector) = Self.build(settings, faults: [], generation: 0, random: random, machine: machine, clock: clock)
        self.state = Mutex(State(settings: settings, provider: provider, injector: injector))
    }

    public var settings: FakeLLMSettings { state.withLock { $0.settings } }

    /// The provider answering now.
    var provider: FakeProvider { state.withLock { $0.provider } }

    public func update(_ change: FakeLLMSettings.Update) throws(FakeLLMError) -> FakeLLMSettings {
        let next = try settings.applying(change)
        rebuild { $0.settings = next }
        return next
    }

    public func addFault(_ fault: FakeLLMFault) throws(FakeLLMError) -> FaultSpec {
        let index = state.withLock { s in
            s.added += 1
            return s.added
        }
        let spec = try fault.spec(provider: Self.providerID, now: clock.now, index: index)
        rebuild { $0.faults.append(spec) }
        return spec
    }

    public func clearFaults() {
        rebuild { $0.faults.removeAll() }
    }

    /// Requests answered so far (for response ids; cheaper than ``statistics``).
    var requests: Int { state.withLock { $0.statistics.requests } }

    public var statistics: Statistics {
        state.withLock { s in
            var statistics = s.statistics
            let fired = Dictionary(s.injector.tallies.map { ($0.fault.id, $0.fired) }, uniquingKeysWith: +)
            let now = clock.now
            statistics.faults = s.faults.map { fault in
                FaultState(
                    id: fault.id,
                    kind: fault.kind.name,
                    fired: (fired[fault.id] ?? 0) + (s.firedBefore[fault.id] ?? 0),
                    active: fault.occurrence(at: now) != nil
                )
            }
            return statistics
        }
    }

    func count(status: Int, streamed: Bool, disconnected: Bool = false) {
        state.withLock { s in
            s.statistics.requests += 1
            if streamed { s.statistics.streamed += 1 }
            if disconnected { s.statistics.disconnected += 1 }
            s.statistics.byStatus[String(status), default: 0] += 1
        }
    }

    private func rebuild(_ change: (inout State) -> Void) {
        state.withLock { s in
            for tally in s.injector.tallies { s.firedBefore[tally.fault.id, default: 0] += tally.fired }
            change(&s)
            s.generation += 1
            // A new injector starts counting from zero, so `first_n` carries over as what is left of it (these faults
            // have a single occurrence); a spent one is kept for the statistics but no longer injected.
            let fired = s.firedBefore
            let effective = s.faults.compactMap { fault -> FaultSpec? in
                guard let firstN = fault.firstN else { return fault }
                let left = firstN - (fired[fault.id] ?? 0)
                guard left > 0 else { return nil }
                var copy = fault
                copy.firstN = left
                return copy
            }
            (s.provider, s.injector) = Self.build(
                s.settings,
                faults: effective,
                generation: s.generation,
                random: random,
                machine: machine,
                clock: clock
            )
        }
    }

    private static func build(
        _ settings: FakeLLMSettings,
        faults: [FaultSpec],
        generation: UInt64,
        random: SeededRandom,
        machine: FakeMachine,
        clock: SystemClock
    ) -> (FakeProvider, FaultInjector) {
        let profile = ProviderProfile(
            descriptor: ModelDescriptor(id: providerID, kind: .api, displayName: settings.model, contextWindow: settings.contextWindow),
            loadTime: .zero,
            timeToFirstToken: .microseconds(Int64(settings.timeToFirstTokenMs * 1000)),
            interTokenLatency: .microseconds(Int64(settings.interTokenMs * 1000)),
            spread: settings.spread,
            concurrencySlots: settings.concurrencySlots,
            outputTokens: settings.outputTokens
        )
        let injector = FaultInjector(faults: faults, random: random.split("faults.\(generation)"), clock: clock)
        // The text depends on the seed and the prompt only, so the same question gets the same answer every run.
        let provider = FakeProvider(profile: profile, machine: machine, faults: injector, clock: clock, random: RandomSource(random.split("text")))
        return (provider, injector)
    }
}
