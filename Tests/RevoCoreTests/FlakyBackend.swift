import RevoRuntime
import Synchronization

@testable import RevoCore
@testable import RevoSim

/// Wraps a real in-process backend with a switch: up, refusing, or hanging (until the caller's timeout).
final class FlakyBackend: MemoryBackend {
    enum Mode: Sendable {
        case up
        case refusing(String)
        case hanging
    }

    let name: String
    let inner = InMemoryMemoryBackend(name: "inner")
    private let clock: SystemClock
    private let mode = Mutex(Mode.up)
    private let storeCalls = Mutex(0)

    init(name: String, clock: SystemClock) {
        self.name = name
        self.clock = clock
    }

    func set(_ mode: Mode) {
        self.mode.withLock { $0 = mode }
    }

    var stores: Int { storeCalls.withLock { $0 } }

    private func gate() async throws(StoreError) {
        switch mode.withLock({ $0 }) {
        case .up:
            return
        case .refusing(let reason):
            throw .unavailable(reason)
        case .hanging:
            do { try await clock.sleep(for: .seconds(3600)) } catch { throw .timeout("cancelled") }
        }
    }

    func store(_ entry: MemoryEntry) async throws(StoreError) {
        storeCalls.withLock { $0 += 1 }
        try await gate()
        try inner.store(entry)
    }

    func search(_ query: MemoryQuery) async throws(StoreError) -> [ScoredMemory] {
        try await gate()
        return try inner.search(query)
    }

    func recordUsage(of id: String, success: Bool?) async throws(StoreError) {
        try await gate()
        try inner.recordUsage(of: id, success: success)
    }

    func count() async throws(StoreError) -> Int {
        try await gate()
        return try inner.count()
    }

    func evictLowest(fraction: Double) async throws(StoreError) -> Int {
        try await gate()
        return try inner.evictLowest(fraction: fraction)
    }

    func entry(id: String) async throws(StoreError) -> MemoryEntry? {
        try await gate()
        return try inner.entry(id: id)
    }
}

/// A memory stack on one simulation: flaky primary, in-process fallback, in-process outbox.
struct MemoryFixture {
    let sim = SimulationExecutor()
    let clock: SystemClock
    let primary: FlakyBackend
    let fallback = InMemoryMemoryBackend(name: "fallback")
    let outbox = InMemoryOutbox()
    let manager: MemoryManager
    let engine: PerfectRecallEngine

    init(settings: MemoryManager.Settings = MemoryManager.Settings(), cache: Bool = false) {
        clock = SystemClock(sim.clock)
        primary = FlakyBackend(name: "postgres", clock: clock)
        manager = MemoryManager(primary: primary, fallback: fallback, outbox: outbox, settings: settings, clock: clock)
        let guarded = cache ? GuardedCache(InMemoryCache(clock: clock), clock: clock) : nil
        engine = PerfectRecallEngine(memory: manager, cache: guarded, ids: IDSource(random: SeededRandom(seed: 5)), clock: clock)
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        try runSimulation(sim, body)
    }
}
