/// A key-value cache with expiry: the embedded default is in process; RevoDrivers adds Redis. Failures are
/// ``StoreError``s (Redis `-LOADING` and `-OOM` arrive as ``StoreError/failed(_:)``).
public protocol Cache: Sendable {
    /// A short name for health reports (`in-process`, `redis`).
    var name: String { get }
    func get(_ key: String) async throws(StoreError) -> String?
    func set(_ key: String, value: String, ttl: Duration) async throws(StoreError)
    func delete(_ key: String) async throws(StoreError)
}
