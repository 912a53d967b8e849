import PostgresNIO
public import RevoCore
import _ConnectionPoolModule

/// PostgresNIO's errors in RevoCore's terms: unreachable or shutting down is `unavailable` (the degradation logic
/// falls back and the health report says database), anything about one statement is `failed`.
public enum PostgresErrorMapping {
    public static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? ConnectionPoolError {
            switch error {
            case .requestCancelled: return .timeout("postgres: the call was cancelled while it waited for a connection")
            case .connectionCreationCircuitBreakerTripped: return .unavailable("postgres: the pool could not connect for a minute")
            default: return .unavailable("postgres: the connection pool is closed")
            }
        }
        guard let error = error as? PSQLError else {
            if error is CancellationError { return .timeout("postgres: the call was cancelled before it finished") }
            return .failed("postgres: \(error)")
        }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? "?"
            let message = error.serverInfo?[.message] ?? "server error"
            return storeError(sqlState: state, message: message)
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return .unavailable("postgres: connection lost or refused (\(error.code))")
        case .queryCancelled:
            return .timeout("postgres: query cancelled")
        default:
            return .failed("postgres: \(error.code)")
        }
    }

    /// By SQLSTATE class: 08 connection exception, 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
    /// cannot_connect_now, 53 insufficient resources (too many connections, disk full) → the server cannot serve.
    public static func storeError(sqlState state: String, message: String) -> StoreError {
        if state.hasPrefix("08") || state.hasPrefix("53") || ["57P01", "57P02", "57P03"].contains(state) {
            return .unavailable("postgres \(state): \(message)")
        }
        return .failed("postgres \(state): \(message)")
    }
}
