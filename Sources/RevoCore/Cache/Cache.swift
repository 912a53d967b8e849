/// A key-value cache with expiry: the embedded default is in process; RevoDrivers adds Redis.
public protocol Cache: Sendable {
    /// A short name for health reports (`in-process`, `redis`).
    var name: String { get }
    func get(_ key: String) async throws(CacheError) -> String?
    func set(_ key: String, value: String, ttl: Duration) async throws(CacheError)
    func delete(_ key: String) async throws(CacheError)
}

/// Why a cache operation failed (Redis `-LOADING` and `-OOM` arrive as ``failed(_:)``).
public enum CacheError: Error, Sendable, Equatable, CustomStringConvertible {
    case unavailable(String)
    case timeout(String)
    case failed(String)

    public var description: String {
        switch self {
        case .unavailable(let detail): "unavailable: \(detail)"
        case .timeout(let detail): "timed out: \(detail)"
        case .failed(let detail): "failed: \(detail)"
        }
    }
}
