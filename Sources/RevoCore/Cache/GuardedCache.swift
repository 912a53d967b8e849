public import RevoRuntime
import Synchronization

/// A cache that can never fail a request: every call runs under a timeout and a circuit breaker, and any failure is a
/// miss. Health says degraded, with the reason, while the cache misbehaves (the original failed to start without Redis).
public final class GuardedCache: Sendable {
    public struct Statistics: Sendable, Equatable, Codable {
        public var hits = 0
        public var misses = 0
        public var errors = 0
        /// Calls not made because the breaker was open.
        public var bypassed = 0
    }

    public let cache: any Cache
    private let dependency: DependencyGuard
    private let counts = Mutex((hits: 0, misses: 0))

    public init(
        _ cache: any Cache,
        timeout: Duration = .milliseconds(250),
        breaker: BreakerSettings = BreakerSettings(minimumRequests: 3, cooldown: .seconds(5)),
        clock: SystemClock
    ) {
        self.cache = cache
        self.dependency = DependencyGuard(timeout: cache.runsInProcess ? nil : timeout, breaker: breaker, clock: clock)
    }

    public func get(_ key: String) async -> String? {
        let cache = self.cache
        let value = await dependency.call { try await cache.get(key) } ?? nil
        counts.withLock { c in
            if value == nil { c.misses += 1 } else { c.hits += 1 }
        }
        return value
    }

    public func set(_ key: String, value: String, ttl: Duration) async {
        let cache = self.cache
        _ = await dependency.call { try await cache.set(key, value: value, ttl: ttl) }
    }

    public func delete(_ key: String) async {
        let cache = self.cache
        _ = await dependency.call { try await cache.delete(key) }
    }

    public var statistics: Statistics {
        let (hits, misses) = counts.withLock { ($0.hits, $0.misses) }
        return Statistics(hits: hits, misses: misses, errors: dependency.failures, bypassed: dependency.bypassed)
    }

    /// Degraded, with the reason, while the cache's circuit is open or its calls fail.
    public func health() -> ComponentHealth {
        guard let problem = dependency.problem() else { return .healthy }
        return ComponentHealth(status: .degraded, reasons: ["\(cache.name) cache bypassed, requests served without it: \(problem)"])
    }
}
