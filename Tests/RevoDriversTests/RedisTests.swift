import Foundation
import RevoCore
import RevoDrivers
import Testing

/// The real redis-server `ci/test` starts for these tests alone (`REVO_TEST_REDIS_DISRUPTIVE_URL`): they pause, fill
/// and disconnect the whole server, which would disturb other suites on a shared one.
enum TestRedis {
    static var url: RedisURL? {
        ProcessInfo.processInfo.environment["REVO_TEST_REDIS_DISRUPTIVE_URL"].flatMap { try? RedisURL(parsing: $0) }
    }
}

// Serialized: some tests pause, kill or fill the whole server.
@Suite("Redis driver", .serialized, .enabled(if: TestRedis.url != nil, "needs REVO_TEST_REDIS_DISRUPTIVE_URL (ci/test starts a server)"))
struct RedisTests {
    /// A client on the test server, shut down afterwards; keys live under a prefix of their own.
    /// Generous timeouts unless a test is about them: a loaded CI machine can take longer than production's 250 ms.
    static let patient = RedisClient.Settings(connectTimeout: .seconds(5), commandTimeout: .seconds(5))

    static func withClient(_ settings: RedisClient.Settings = patient, _ body: (RedisClient) async throws -> Void) async throws {
        let client = RedisClient(try #require(TestRedis.url), settings: settings)
        do {
            try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    static func prefix() -> String { "test-\(UUID().uuidString):" }

    @Test("the cache sets, gets, expires and deletes")
    func cache() async throws {
        try await Self.withClient { client in
            let cache = RedisCache(client: client, keyPrefix: Self.prefix())
            try await cache.set("a", value: "one", ttl: .seconds(60))
            try await cache.set("short", value: "gone soon", ttl: .milliseconds(50))
            #expect(try await cache.get("a") == "one")
            #expect(try await cache.get("missing") == nil)
            try await Task.sleep(for: .milliseconds(120))
            #expect(try await cache.get("short") == nil)
            try await cache.delete("a")
            #expect(try await cache.get("a") == nil)
        }
    }

    @Test("values round-trip unchanged: empty, unicode, large")
    func values() async throws {
        try await Self.withClient { client in
            let cache = RedisCache(client: client, keyPrefix: Self.prefix())
            for value in ["", "héllo → 世界", String(repeating: "x", count: 200_000), "with\r\nCRLF and \u{0}"] {
                try await cache.set("v", value: value, ttl: .seconds(60))
                #expect(try await cache.get("v") == value)
            }
        }
    }

    @Test("a refused port is unavailable, fast after the first try, and the reason names the address")
    func refused() async throws {
        let client = RedisClient(RedisURL(host: "127.0.0.1", port: 1), settings: .init(reconnectBackoff: .seconds(5)))
        let started = ContinuousClock.now
        for _ in 0..<20 {
            await #expect {
                _ = try await client.send(["PING"])
            } throws: { error in
                guard case .unavailable(let reason) = error as? StoreError else { return false }
                return reason.contains("127.0.0.1:1")
            }
        }
        // One connect attempt, then the backoff answers with the same error without trying again.
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(client.connectionsOpened == 0)
        await client.shutdown()
    }

    @Test("-OOM from a full server is a failed command; the next command works once memory is back")
    func outOfMemory() async throws {
        try await Self.withClient { client in
            let cache = RedisCache(client: client, keyPrefix: Self.prefix())
            _ = try await client.send(["CONFIG", "SET", "maxmemory-policy", "noeviction"])
            _ = try await client.send(["CONFIG", "SET", "maxmemory", "1"])
            await #expect {
                try await cache.set("k", value: "v", ttl: .seconds(5))
            } throws: { error in
                guard case .failed(let reason) = error as? StoreError else { return false }
                return reason.contains("-OOM")
            }
            _ = try await client.send(["CONFIG", "SET", "maxmemory", "0"])
            try await cache.set("k", value: "v", ttl: .seconds(5))
            #expect(try await cache.get("k") == "v")
        }
    }

    @Test("a server that does not answer in time is a timeout, and the client recovers when it answers again")
    func commandTimeout() async throws {
        try await Self.withClient(.init(connections: 1, commandTimeout: .milliseconds(200))) { client in
            _ = try await client.send(["PING"])
            // Another client pauses every normal client for 1.5 s.
            try await Self.withClient { admin in _ = try await admin.send(["CLIENT", "PAUSE", "1500"]) }
            await #expect {
                _ = try await client.send(["GET", Self.prefix() + "x"])
            } throws: { error in
                guard case .timeout = error as? StoreError else { return false }
                return true
            }
            try await Task.sleep(for: .milliseconds(1_600))
            #expect(try await client.send(["PING"]) == .status("PONG"))
        }
    }

    @Test("a connection killed by the server is replaced on the next command")
    func reconnect() async throws {
        try await Self.withClient(.init(connections: 1, connectTimeout: .seconds(5), commandTimeout: .seconds(5))) { client in
            #expect(try await client.send(["PING"]) == .status("PONG"))
            let opened = client.connectionsOpened
            try await Self.withClient { admin in _ = try await admin.send(["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"]) }
            // The killed connection fails once (the server closed it), then a new one answers.
            var answered = false
            for _ in 0..<3 where !answered {
                answered = (try? await client.send(["PING"])) == .status("PONG")
            }
            #expect(answered)
            #expect(client.connectionsOpened == opened + 1)
        }
    }

    @Test("error replies map to unavailable (the server cannot serve) or failed (this command)")
    func errorMapping() {
        #expect(
            RedisErrorMapping.storeError(forReply: "LOADING Redis is loading the dataset in memory", command: "GET")
                == .unavailable("redis GET: -LOADING Redis is loading the dataset in memory")
        )
        #expect(
            RedisErrorMapping.storeError(forReply: "READONLY You can't write against a read only replica.", command: "SET")
                == .unavailable("redis SET: -READONLY You can't write against a read only replica.")
        )
        #expect(
            RedisErrorMapping.storeError(forReply: "OOM command not allowed when used memory > 'maxmemory'.", command: "SET")
                == .failed("redis SET: -OOM command not allowed when used memory > 'maxmemory'.")
        )
    }
}
