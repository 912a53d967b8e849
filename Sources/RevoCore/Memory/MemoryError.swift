/// Why a memory store, outbox or cache operation failed.
public enum MemoryError: Error, Sendable, Equatable, CustomStringConvertible {
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
