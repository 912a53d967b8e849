public import RevoCore
public import RevoRuntime

/// A cache (Redis in the original) with latency and faults.
public struct FakeCache: Cache {
    public let name = "redis"
    /// Its latency and faults are sleeps of the simulation's clock, the only thing it waits on.
    public var waits: Waits { .onClockOnly }
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
