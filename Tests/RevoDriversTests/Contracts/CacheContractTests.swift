import Foundation
import RevoCore
import RevoDrivers
import RevoRuntime
import RevoSim
import Testing

/// One set of cases for every `Cache`: the in-process cache, Redis (`REVO_TEST_REDIS_URL`, when ci/test started one)
/// and the simulation's fake, without faults. Keys are unique per case, so one Redis serves all.
@Suite("Cache contract")
struct CacheContractTests {
    enum Implementation: String, CaseIterable, CustomTestStringConvertible {
        case inProcess, redis, simulated

        var testDescription: String { rawValue }

        /// Every implementation this machine can run: Redis only with a server (ci/test always starts one).
        static var available: [Implementation] { allCases.filter { $0 != .redis || redisURL != nil } }

        static var redisURL: RedisURL? {
            ProcessInfo.processInfo.environment["REVO_TEST_REDIS_URL"].flatMap { try? RedisURL(parsing: $0) }
        }

        /// A fresh cache for `body`; Redis's under a key prefix of its own, its client shut down afterwards.
        func withCache(_ body: (any Cache) async throws -> Void) async throws {
            let clock = SystemClock(ContinuousClock())
            switch self {
            case .inProcess: try await body(InMemoryCache(capacity: 64, clock: clock))
            case .simulated:
                let faults = FaultInjector(faults: [], random: SeededRandom(seed: 1), clock: clock)
                let gate = FaultGate(target: .cache, latency: .zero, faults: faults, clock: clock, random: RandomSource(seed: 2))
                try await body(FakeCache(gate: gate, clock: clock))
            case .redis:
                let url = try #require(Self.redisURL)
                let client = RedisClient(url, settings: .init(connectTimeout: .seconds(5), commandTimeout: .seconds(5)))
                do {
                    try await body(RedisCache(client: client, keyPrefix: "contract-\(UUID().uuidString):"))
                } catch {
                    await client.shutdown()
                    throw error
                }
                await client.shutdown()
            }
        }
    }

    @Test("a value set is got back as it was; a missing key is nil; a second set replaces the first", arguments: Implementation.available)
    func setAndGet(_ implementation: Implementation) async throws {
        try await implementation.withCache { cache in
            #expect(try await cache.get("never-set") == nil)
            // Text a reply can hold: several lines, quotes, non-ASCII, a RESP-looking line, and a large value.
            let values = ["hello", "two\r\nlines \"quoted\"", "naïve café — 東京 🚀", "+OK\r\n$3\r\nfoo", String(repeating: "x", count: 100_000)]
            for (index, value) in values.enumerated() {
                try await cache.set("key-\(index)", value: value, ttl: .seconds(60))
            }
            for (index, value) in values.enumerated() {
                #expect(try await cache.get("key-\(index)") == value, "value \(index)")
            }
            try await cache.set("key-0", value: "replaced", ttl: .seconds(60))
            #expect(try await cache.get("key-0") == "replaced")
            #expect(try await cache.get("key-1") == values[1])
        }
    }

    @Test("delete removes one key, and deleting a missing key is no error", arguments: Implementation.available)
    func delete(_ implementation: Implementation) async throws {
        try await implementation.withCache { cache in
            try await cache.set("a", value: "1", ttl: .seconds(60))
            try await cache.set("b", value: "2", ttl: .seconds(60))
            try await cache.delete("a")
            try await cache.delete("never-set")
            #expect(try await cache.get("a") == nil)
            #expect(try await cache.get("b") == "2")
        }
    }

    @Test("an entry is gone once its time to live has passed, and not before", arguments: Implementation.available)
    func expiry(_ implementation: Implementation) async throws {
        try await implementation.withCache { cache in
            let setAt = ContinuousClock.now
            try await cache.set("short", value: "soon gone", ttl: .milliseconds(300))
            let early = try await cache.get("short")
            // On a loaded machine the read may come after the time to live; only an early read can say "not before".
            if ContinuousClock.now - setAt < .milliseconds(250) { #expect(early == "soon gone") }
            try await cache.set("long", value: "stays", ttl: .seconds(60))
            try await Task.sleep(for: .milliseconds(450))
            #expect(try await cache.get("short") == nil)
            #expect(try await cache.get("long") == "stays")
        }
    }
}
