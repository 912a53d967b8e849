import RevoRuntime
import Synchronization
import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Caches")
struct CacheTests {
    /// A cache that fails every call while `down` is set.
    final class SwitchableCache: Cache {
        let name = "redis"
        let inner: InMemoryCache
        let down = Mutex<StoreError?>(nil)

        init(clock: SystemClock) {
            inner = InMemoryCache(clock: clock)
        }

        func get(_ key: String) async throws(StoreError) -> String? {
            if let error = down.withLock({ $0 }) { throw error }
            return try inner.get(key)
        }

        func set(_ key: String, value: String, ttl: Duration) async throws(StoreError) {
            if let error = down.withLock({ $0 }) { throw error }
            try inner.set(key, value: value, ttl: ttl)
        }

        func delete(_ key: String) async throws(StoreError) {
            if let error = down.withLock({ $0 }) { throw error }
            try inner.delete(key)
        }
    }

    @Test("entries expire on the clock and the oldest go first beyond capacity")
    func expiryAndCapacity() throws {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let cache = InMemoryCache(capacity: 2, clock: clock)
        let seen = try runSimulation(sim) { () -> [String?] in
            try cache.set("a", value: "1", ttl: .seconds(10))
            try cache.set("b", value: "2", ttl: .seconds(100))
            try cache.set("c", value: "3", ttl: .seconds(100))
            let afterCapacity = try cache.get("a")
            try await clock.sleep(for: .seconds(150))
            return [afterCapacity, try cache.get("b"), try cache.get("c")]
        }
        #expect(seen == [nil, nil, nil])
        let fresh = try runSimulation(sim) { () -> String? in
            try cache.set("d", value: "4", ttl: .seconds(1))
            return try cache.get("d")
        }
        #expect(fresh == "4")
    }

    @Test("a failing cache is a miss, never an error; health is degraded with the reason, then healthy again")
    func guardedCacheDegrades() throws {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let redis = SwitchableCache(clock: clock)
        let cache = GuardedCache(redis, breaker: BreakerSettings(window: .seconds(10), minimumRequests: 2, cooldown: .seconds(5)), clock: clock)
        let (values, healthDown, healthUp, statistics) = try runSimulation(sim) {
            await cache.set("k", value: "v", ttl: .seconds(300))
            var values = [await cache.get("k")]
            redis.down.withLock { $0 = .failed("LOADING Redis is loading the dataset in memory") }
            values.append(await cache.get("k"))
            values.append(await cache.get("k"))
            values.append(await cache.get("k"))  // circuit open: not even called
            let healthDown = cache.health()
            redis.down.withLock { $0 = nil }
            try await clock.sleep(for: .seconds(11))
            values.append(await cache.get("k"))  // the half-open probe succeeds
            return (values, healthDown, cache.health(), cache.statistics)
        }
        #expect(values == ["v", nil, nil, nil, "v"])
        #expect(healthDown.status == .degraded)
        #expect(healthDown.reasons.first?.contains("LOADING Redis is loading") == true)
        #expect(healthUp == .healthy)
        #expect(statistics.errors == 2)
        #expect(statistics.bypassed == 1)
    }

    @Test("the embedded cache behind the guard: values round-trip, hits and misses are counted, health stays healthy")
    func guardedInProcessCache() throws {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let inner = InMemoryCache(capacity: 2, clock: clock)
        let cache = GuardedCache(inner, clock: clock)
        let (values, statistics) = try runSimulation(sim) {
            var values = [await cache.get("a")]
            await cache.set("a", value: "1", ttl: .seconds(10))
            await cache.set("b", value: "2", ttl: .seconds(100))
            values.append(await cache.get("a"))
            values.append(await cache.get("b"))
            try await clock.sleep(for: .seconds(20))
            values.append(await cache.get("a"))  // expired
            await cache.set("c", value: "3", ttl: .seconds(100))
            await cache.set("d", value: "4", ttl: .seconds(100))
            values.append(await cache.get("b"))  // the oldest written, gone past capacity
            return (values, cache.statistics)
        }
        #expect(values == [nil, "1", "2", nil, nil])
        #expect(statistics == GuardedCache.Statistics(hits: 2, misses: 3, errors: 0, bypassed: 0))
        #expect(try inner.get("d") == "4")
        #expect(cache.health() == .healthy)
    }
}
