/// Why a store operation failed: memory backends, the outbox, the conversation store, the cache.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The store cannot be reached or refuses service (connection refused, PostgreSQL `57P01 admin_shutdown`...).
    case unavailable(String)
    /// No answer in time.
    case timeout(String)
    /// The store answered with an error about this operation.
    case failed(String)

    public var description: String {
        switch self {
        case .unavailable(let detail): "unavailable: \(detail)"
        case .timeout(let detail): "timed out: \(detail)"
        case .failed(let detail): "failed: \(detail)"
        }
    }
}
