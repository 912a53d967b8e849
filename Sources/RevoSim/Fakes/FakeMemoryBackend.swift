public import RevoCore
public import RevoRuntime

/// A memory backend (Cognee in the original) with latency and faults.
public struct FakeMemoryBackend: MemoryBackend {
    public let name: String
    /// Its latency and faults are sleeps of the simulation's clock, the only thing it waits on.
    public var waits: Waits { .onClockOnly }
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
        try inner.store(entry)
    }

    public func search(_ query: MemoryQuery) async throws(StoreError) -> [ScoredMemory] {
        try await gate.pass("search")
        return try inner.search(query)
    }

    public func recordUsage(of id: String, success: Bool?) async throws(StoreError) {
        try await gate.pass("usage")
        try inner.recordUsage(of: id, success: success)
    }

    public func count() async throws(StoreError) -> Int {
        try await gate.pass("count")
        return try inner.count()
    }

    public func evictLowest(fraction: Double) async throws(StoreError) -> Int {
        try await gate.pass("evict")
        return try inner.evictLowest(fraction: fraction)
    }

    public func entry(id: String) async throws(StoreError) -> MemoryEntry? {
        try await gate.pass("read")
        return try inner.entry(id: id)
    }
}
