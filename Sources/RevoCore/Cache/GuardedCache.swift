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
    /// The embedded cache, called directly: a lookup in this process can neither fail nor block, so the guard's
    /// timeout and breaker have nothing to watch, and the closure and bookkeeping of a guarded call would be paid on
    /// every chat for nothing.
    private let inProcess: InMemoryCache?
    private let dependency: DependencyGuard
    private let hits = Atomic(0)
    private let misses = Atomic(0)

    public init(
        _ cache: any Cache,
        timeout: Duration = .milliseconds(250),
        breaker: BreakerSettings = BreakerSettings(minimumRequests: 3, cooldown: .seconds(5)),
        clock: SystemClock
    ) {
        self.cache = cache
        self.inProcess = cache as? InMemoryCache
        self.dependency = DependencyGuard(timeout: timeout, waits: cache.waits, breaker: breaker, clock: clock)
    }

    public func get(_ key: String) async -> String? {
        let value: String?
        if let inProcess {
            value = inProcess.lookup(key)
        } else {
            let cache = self.cache
            value = await dependency.call { try await cache.get(key) } ?? nil
        }
        if value == nil { misses.add(1, ordering: .relaxed) } else { hits.add(1, ordering: .relaxed) }
        return value
    }

    public func set(_ key: String, value: String, ttl: Duration) async {
        if let inProcess { return inProcess.store(key, value: value, ttl: ttl) }
        let cache = self.cache
        _ = await dependency.call { try await cache.set(key, value: value, ttl: ttl) }
    }

    public func delete(_ key: String) async {
        let cache = self.cache
        _ = await dependency.call { try await cache.delete(key) }
    }

    public var statistics: Statistics {
        Statistics(
            hits: hits.load(ordering: .relaxed),
            misses: misses.load(ordering: .relaxed),
            errors: dependency.failures,
            bypassed: dependency.bypassed
        )
    }

    /// Degraded, with the reason, while the cache's circuit is open or its calls fail.
    public func health() -> ComponentHealth {
        guard let problem = dependency.problem() else { return .healthy }
        return ComponentHealth(status: .degraded, reasons: ["\(cache.name) cache bypassed, requests served without it: \(problem)"])
    }
}
