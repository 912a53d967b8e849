public import RevoRuntime
import Synchronization

/// Calls to one dependency (a store, a cache) under a timeout and a circuit breaker, remembering the last failure so
/// health can say what is wrong. A failed or refused call returns nil: callers decide how to degrade.
public final class DependencyGuard: Sendable {
    struct State {
        var breaker: CircuitBreaker
        var lastError: String?
        var lastErrorAt: Duration?
        var failures = 0
        var bypassed = 0
    }

    public let timeout: Duration
    /// What the dependency's calls wait on: how the timeout holds them (none for `.never`, which cannot block).
    public let waits: Waits
    private let clock: SystemClock
    private let state: Mutex<State>

    public init(timeout: Duration, waits: Waits = .onAnything, breaker: BreakerSettings, clock: SystemClock) {
        self.timeout = timeout
        self.waits = waits
        self.clock = clock
        self.state = Mutex(State(breaker: CircuitBreaker(settings: breaker)))
    }

    /// Runs `operation` unless the breaker is open; nil when refused, timed out, failed or cancelled.
    public func call<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async -> T? {
        let now = clock.now
        let permit = state.withLock { $0.breaker.permit(at: now) }
        if case .rejected = permit {
            state.withLock { $0.bypassed += 1 }
            return nil
        }
        do {
            let value = waits == .never ? try await operation() : try await clock.withDeadline(now + timeout, waits: waits, operation: operation)
            let finished = clock.now
            state.withLock { s in
                s.breaker.recordSuccess(at: finished)
                s.lastError = nil
            }
            return value
        } catch {
            if Task.isCancelled {
                state.withLock { $0.breaker.recordAbandoned() }
                return nil
            }
            let described = error is TimeoutError ? "timed out after \(timeout.formattedSeconds)" : "\(error)"
            let finished = clock.now
            state.withLock { s in
                s.breaker.recordFailure(.unavailable(described), at: finished)
                s.lastError = described
                s.lastErrorAt = finished
                s.failures += 1
            }
            return nil
        }
    }

    /// Why the dependency is not fine right now, or nil: its circuit is open, or a call failed within the breaker's
    /// window.
    public func problem() -> String? {
        let now = clock.now
        return state.withLock { s in
            if case .open(let until, let reason) = s.breaker.state, until > now { return reason }
            if let error = s.lastError, let at = s.lastErrorAt, now - at <= s.breaker.settings.window { return error }
            return nil
        }
    }

    public var lastError: String? { state.withLock { $0.lastError } }
    public var failures: Int { state.withLock { $0.failures } }
    /// Calls not made because the circuit was open.
    public var bypassed: Int { state.withLock { $0.bypassed } }
}
