public import Logging
public import RevoRuntime
import Synchronization

/// Memory with a promise: a write is acknowledged only once it is durable somewhere — in the primary store, or, while
/// the primary is down, in the outbox — and the outbox replays in order when the primary returns.
///
/// The fallback store holds a copy of every write so recalls keep working while the primary is down (in the original,
/// Cognee being down took memory with it).
public final class MemoryManager: Sendable {
    /// Where an acknowledged write is durable.
    public enum Durability: String, Sendable, Codable {
        case primary
        case outbox
    }

    /// Which store answered a recall.
    public enum ServedBy: String, Sendable, Codable {
        case primary
        case fallback
    }

    public struct Settings: Sendable, Equatable {
        /// One call to the primary gets this long before it counts as failed.
        public var primaryTimeout: Duration
        /// Keeps a failing primary from costing every request its timeout.
        public var breaker: BreakerSettings
        /// How often the background loop tries to replay the outbox.
        public var replayInterval: Duration
        public var replayBatch: Int
        /// At most this many entries; beyond it the lowest ``evictionFraction`` are evicted.
        public var capacity: Int
        public var evictionFraction: Double

        public init(
            primaryTimeout: Duration = .seconds(2),
            breaker: BreakerSettings = BreakerSettings(minimumRequests: 3, cooldown: .seconds(5)),
            replayInterval: Duration = .seconds(1),
            replayBatch: Int = 100,
            capacity: Int = 10_000,
            evictionFraction: Double = 0.1
        ) {
            self.primaryTimeout = primaryTimeout
            self.breaker = breaker
            self.replayInterval = replayInterval
            self.replayBatch = replayBatch
            self.capacity = capacity
            self.evictionFraction = evictionFraction
        }
    }

    public struct Statistics: Sendable, Equatable, Codable {
        public var acknowledgedWrites = 0
        public var writesToOutbox = 0
        public var replayedWrites = 0
        public var rejectedWrites = 0
        public var recallsFromFallback = 0
        public var evicted = 0
    }

    struct State {
        var statistics = Statistics()
        var replayTask: Task<Void, Never>?
        var replaying = false
    }

    public let primary: any MemoryBackend
    public let fallback: any MemoryBackend
    public let outbox: any MemoryOutbox
    public let settings: Settings
    private let clock: SystemClock
    private let logger: Logger
    private let primaryGuard: DependencyGuard
    private let state = Mutex(State())

    /// Told when the outbox replays.
    private let events: (any SystemEventSink)?

    public init(
        primary: any MemoryBackend,
        fallback: any MemoryBackend,
        outbox: any MemoryOutbox,
        settings: Settings = Settings(),
        clock: SystemClock,
        logger: Logger = Logger(label: "revo.memory"),
        events: (any SystemEventSink)? = nil
    ) {
        self.events = events
        self.primary = primary
        self.fallback = fallback
        self.outbox = outbox
        self.settings = settings
        self.clock = clock
        self.logger = logger
        self.primaryGuard = DependencyGuard(
            timeout: settings.primaryTimeout,
            waits: primary.waits,
            breaker: settings.breaker,
            clock: clock
        )
    }

    // MARK: Writes

    /// Stores `entry`; returns where it is durable. Throws only when it is durable nowhere (nothing was acknowledged).
    @discardableResult
    public func store(_ entry: MemoryEntry) async throws(StoreError) -> Durability {
        // Writes queue behind the outbox while it is not empty, so the primary sees them in order.
        // (A broken outbox does not stop writes to a healthy primary.)
        let outboxDepth = (try? await outbox.count()) ?? 0
        if outboxDepth == 0, await callPrimary({ try await $0.store(entry) }) != nil {
            try? await fallback.store(entry)
            state.withLock {
                $0.statistics.acknowledgedWrites += 1
            }
            await enforceCapacity()
            return .primary
        }
        do {
            _ = try await outbox.append(entry)
        } catch {
            state.withLock { $0.statistics.rejectedWrites += 1 }
            logger.error("memory write not acknowledged: primary down and outbox failed", metadata: ["error": "\(error)"])
            throw error
        }
        try? await fallback.store(entry)
        state.withLock {
            $0.statistics.acknowledgedWrites += 1
            $0.statistics.writesToOutbox += 1
        }
        return .outbox
    }

    /// Bytes of this process's memory the primary store, the fallback and the outbox hold, each that lives here.
    public func residentMemory() async -> [(part: String, bytes: Int)] {
        var parts: [(part: String, bytes: Int)] = []
        if let bytes = await primary.residentBytes() { parts.append(("memory primary", bytes)) }
        if let bytes = await fallback.residentBytes() { parts.append(("memory fallback", bytes)) }
        if let bytes = await outbox.residentBytes() { parts.append(("memory outbox", bytes)) }
        return parts
    }

    /// Replays the outbox into the primary, oldest first, until it is empty or the primary fails. Returns how many
    /// writes it replayed.
    @discardableResult
    public func replayOutbox() async -> Int {
        let alreadyRunning = state.withLock { s in
            defer { s.replaying = true }
            return s.replaying
        }
        guard !alreadyRunning else { return 0 }
        defer { state.withLock { $0.replaying = false } }
        var replayed = 0
        while let batch = try? await outbox.pending(limit: settings.replayBatch), !batch.isEmpty {
            var confirmed: UInt64?
            for item in batch {
                guard await callPrimary({ try await $0.store(item.entry) }) != nil else { break }
                confirmed = item.sequence
                replayed += 1
            }
            guard let confirmed else { break }
            do {
                try await outbox.acknowledge(through: confirmed)
            } catch {
                // The writes are in the primary and still in the outbox: replaying them again is harmless (upserts).
                break
            }
            if confirmed != batch.last?.sequence { break }
        }
        if replayed > 0 {
            events?.record(.outboxReplayed(writes: replayed))
            state.withLock { $0.statistics.replayedWrites += replayed }
            logger.info("memory outbox replayed", metadata: ["writes": "\(replayed)"])
            await enforceCapacity()
        }
        return replayed
    }

    /// Starts the loop that replays the outbox whenever it holds writes.
    public func startReplaying(with starter: any TaskStarter) {
        let task = starter.startPeriodic("memory.replay", every: settings.replayInterval, on: clock) { [self] in
            if let pending = try? await outbox.count(), pending > 0 {
                await replayOutbox()
            }
        }
        let previous = state.withLock { s in
            defer { s.replayTask = task }
            return s.replayTask
        }
        previous?.cancel()
    }

    /// Stops the replay loop after one last replay attempt, so a clean shutdown leaves nothing behind it can deliver.
    public func shutdown() async {
        let task = state.withLock { s in
            defer { s.replayTask = nil }
            return s.replayTask
        }
        task?.cancel()
        await replayOutbox()
    }

    // MARK: Reads

    /// Searches the primary, or the fallback while the primary is down.
    public func search(_ query: MemoryQuery) async throws(StoreError) -> (results: [ScoredMemory], servedBy: ServedBy) {
        if let results = await callPrimary({ try await $0.search(query) }) {
            return (results, .primary)
        }
        state.withLock { $0.statistics.recallsFromFallback += 1 }
        return (try await fallback.search(query), .fallback)
    }

    public func recordUsage(of id: String, success: Bool?) async {
        _ = await callPrimary { try await $0.recordUsage(of: id, success: success) }
        try? await fallback.recordUsage(of: id, success: success)
    }

    /// Looks an entry up in the primary, the outbox's pending writes, or the fallback: an acknowledged write is
    /// always found by one of them.
    public func entry(id: String) async -> MemoryEntry? {
        if let found = await callPrimary({ try await $0.entry(id: id) }), let entry = found { return entry }
        if let pending = try? await outbox.pending(limit: Int.max), let item = pending.last(where: { $0.entry.id == id }) {
            return item.entry
        }
        return try? await fallback.entry(id: id)
    }

    // MARK: Health and statistics

    public struct Stats: Sendable, Equatable, Codable {
        public var primaryEntries: Int?
        public var fallbackEntries: Int?
        public var outboxDepth: Int?
        public var statistics: Statistics
    }

    public func stats() async -> Stats {
        Stats(
            primaryEntries: await callPrimary { try await $0.count() },
            fallbackEntries: try? await fallback.count(),
            outboxDepth: try? await outbox.count(),
            statistics: state.withLock { $0.statistics }
        )
    }

    /// Healthy when the primary answers and the outbox is empty; degraded while writes wait in the outbox or the
    /// fallback serves; unhealthy when neither the primary nor the outbox can take a write.
    public func health() async -> ComponentHealth {
        let primaryUp = await callPrimary { try await $0.count() } != nil
        let depth = try? await outbox.count()
        var reasons: [String] = []
        if !primaryUp {
            let last = primaryGuard.lastError ?? "not answering"
            reasons.append("\(primary.name) store down (\(last)); recalls served by \(fallback.name)")
        }
        guard let depth else {
            return ComponentHealth(status: primaryUp ? .degraded : .unhealthy, reasons: reasons + ["outbox unavailable"])
        }
        if depth > 0 { reasons.append("\(depth) write(s) waiting in the outbox") }
        return ComponentHealth(status: reasons.isEmpty ? .healthy : .degraded, reasons: reasons)
    }

    // MARK: Primary access

    /// Calls the primary under its guard; nil when it is down.
    private func callPrimary<T: Sendable>(_ operation: @escaping @Sendable (any MemoryBackend) async throws -> T) async -> T? {
        let primary = self.primary
        return await primaryGuard.call { try await operation(primary) }
    }

    private func enforceCapacity() async {
        guard let count = await callPrimary({ try await $0.count() }), count > settings.capacity else { return }
        let fraction = settings.evictionFraction
        if let evicted = await callPrimary({ try await $0.evictLowest(fraction: fraction) }) {
            _ = try? await fallback.evictLowest(fraction: fraction)
            state.withLock { $0.statistics.evicted += evicted }
        }
    }
}
