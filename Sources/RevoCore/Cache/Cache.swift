public import RevoRuntime

/// A key-value cache with expiry: the embedded default is in process; RevoDrivers adds Redis. Failures are
/// ``StoreError``s (Redis `-LOADING` and `-OOM` arrive as ``StoreError/failed(_:)``).
public protocol Cache: Sendable {
    /// A short name for health reports (`in-process`, `redis`).
    var name: String { get }
    func get(_ key: String) async throws(StoreError) -> String?
    func set(_ key: String, value: String, ttl: Duration) async throws(StoreError)
    func delete(_ key: String) async throws(StoreError)
    /// What a call can wait on (see ``Waits``): `.never` for a lookup in this process, which then runs without a
    /// timeout; `.onAnything` (the default) for anything across a socket, raced against a timer.
    var waits: Waits { get }
    /// Bytes of this process's memory the cache holds; nil for one that lives elsewhere (the default).
    func residentBytes() -> Int?
}

extension Cache {
    public var waits: Waits { .onAnything }
    public func residentBytes() -> Int? { nil }
}
