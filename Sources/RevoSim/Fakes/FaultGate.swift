public import RevoCore

/// The latency and faults of one fake dependency: every operation passes through ``pass(_:)`` first.
public struct FaultGate: Sendable {
    public let target: FaultSpec.Target
    /// Mean latency of one operation, and its relative spread (drawn from the seed).
    public let latency: Duration
    public let spread: Double
    private let faults: FaultInjector
    private let clock: SystemClock
    private let random: RandomSource

    public init(target: FaultSpec.Target, latency: Duration, spread: Double = 0.3, faults: FaultInjector, clock: SystemClock, random: RandomSource) {
        self.target = target
        self.latency = latency
        self.spread = spread
        self.faults = faults
        self.clock = clock
        self.random = random
    }

    /// Waits the operation's latency, then fails it if a fault says so.
    public func pass(_ operation: String) async throws(StoreError) {
        var wait = latency * (1 + spread * (random.unitInterval() * 2 - 1))
        var failure: StoreError?
        var hangs = false
        for fault in faults.hits(target, operation: operation) {
            switch fault.kind {
            case .latency(let extra): wait += extra
            case .timeout: hangs = true
            case .outage(let code), .errorRate(_, let code): failure = failure ?? Self.error(for: target, code: code)
            default: continue
            }
        }
        do {
            try await clock.sleep(for: hangs ? .seconds(86_400 * 365) : wait)
        } catch {
            throw .timeout("\(target) \(operation) cancelled")
        }
        if let failure { throw failure }
    }

    /// The error the real dependency sends for a fault, e.g. PostgreSQL `57P01`, Redis `-LOADING`.
    static func error(for target: FaultSpec.Target, code: String?) -> StoreError {
        switch (target, code?.uppercased()) {
        case (.database, "57P01"): .unavailable("57P01 admin_shutdown: terminating connection due to administrator command")
        case (.database, "57P03"): .unavailable("57P03 cannot_connect_now: the database system is starting up")
        case (.database, nil): .unavailable("connection refused (PostgreSQL)")
        case (.cache, "LOADING"): .failed("-LOADING Redis is loading the dataset in memory")
        case (.cache, "OOM"): .failed("-OOM command not allowed when used memory > 'maxmemory'")
        case (.cache, "READONLY"): .failed("-READONLY You can't write against a read only replica")
        case (.cache, nil): .unavailable("connection refused (Redis)")
        case (.memory, nil): .unavailable("memory service unavailable (connection refused)")
        case (_, let code?): .failed(code)
        case (_, nil): .unavailable("connection refused")
        }
    }
}

/// A conversation store with a database's latency and faults.
public struct FakeConversationStore: ConversationStore {
    public let name = "postgres"
    /// The data, readable by invariant checks without going through faults.
    public let inner = InMemoryConversationStore()
    private let gate: FaultGate

    public init(gate: FaultGate) {
        self.gate = gate
    }

    public func ping() async throws(StoreError) {
        try await gate.pass("ping")
    }

    public func append(_ message: StoredMessage) async throws(StoreError) {
        try await gate.pass("write")
        try await inner.append(message)
    }

    /// A question and its answer in one transaction, one round trip, as the real drivers write them.
    public func append(contentsOf messages: [StoredMessage]) async throws(StoreError) {
        try await gate.pass("write")
        try await inner.append(contentsOf: messages)
    }

    public func messages(conversationID: String, limit: Int) async throws(StoreError) -> [StoredMessage] {
        try await gate.pass("read")
        return try await inner.messages(conversationID: conversationID, limit: limit)
    }
}

/// A memory backend (Cognee in the original) with latency and faults.
public struct FakeMemoryBackend: MemoryBackend {
    public let name: String
    /// The data, readable by invariant checks without going through faults.
    public let inner: InMemoryMemoryBackend
    private let gate: FaultGate

    public init(name: String = "memory-service", gate: FaultGate) {
        self.name = name
        self.inner = InMemoryMemoryBackend(name: name)
        self.gate = gate
    }

    public func store(_ entry: MemoryEntry) async throws(StoreError) {
        try await gate.pass("store")
        try await inner.store(entry)
    }

    public func search(_ query: MemoryQuery) async throws(StoreError) -> [ScoredMemory] {
        try await gate.pass("search")
        return try await inner.search(query)
    }

    public func recordUsage(of id: String, success: Bool?) async throws(StoreError) {
        try await gate.pass("usage")
        try await inner.recordUsage(of: id, success: success)
    }

    public func count() async throws(StoreError) -> Int {
        try await gate.pass("count")
        return try await inner.count()
    }

    public func evictLowest(fraction: Double) async throws(StoreError) -> Int {
        try await gate.pass("evict")
        return try await inner.evictLowest(fraction: fraction)
    }

    public func entry(id: String) async throws(StoreError) -> MemoryEntry? {
        try await gate.pass("read")
        return try await inner.entry(id: id)
    }
}

/// A cache (Redis in the original) with latency and faults.
public struct FakeCache: Cache {
    public let name = "redis"
    private let inner: InMemoryCache
    private let gate: FaultGate

    public init(gate: FaultGate, clock: SystemClock) {
        self.inner = InMemoryCache(name: "redis", clock: clock)
        self.gate = gate
    }

    public func get(_ key: String) async throws(StoreError) -> String? {
        try await gate.pass("get")
        return try inner.get(key)
    }

    public func set(_ key: String, value: String, ttl: Duration) async throws(StoreError) {
        try await gate.pass("set")
        try inner.set(key, value: value, ttl: ttl)
    }

    public func delete(_ key: String) async throws(StoreError) {
        try await gate.pass("delete")
        try inner.delete(key)
    }
}
