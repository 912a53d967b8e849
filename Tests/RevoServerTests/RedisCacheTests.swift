import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import RevoCore
import RevoDrivers
import RevoRuntime
import RevoServer
import Testing

@Suite(
    "Chat with the response cache in Redis",
    .enabled(if: ProcessInfo.processInfo.environment["REVO_TEST_REDIS_URL"] != nil, "needs REVO_TEST_REDIS_URL (ci/test starts a server)")
)
struct RedisCacheTests {
    @Test("a repeated stateless chat is answered from Redis; with Redis unreachable chat still answers and health says why")
    func cachedInRedis() async throws {
        let url = try RedisURL(parsing: try #require(ProcessInfo.processInfo.environment["REVO_TEST_REDIS_URL"]))
        // Generous timeouts, in the client and in the system's guard around the cache: this is about behaviour,
        // and on a loaded CI machine a first connect and command can take longer than the default guard allows.
        let client = RedisClient(url, settings: .init(connectTimeout: .seconds(5), commandTimeout: .seconds(5)))
        let prefix = "test-\(UUID().uuidString):"
        let system = await ServerTests.system(cache: RedisCache(client: client, keyPrefix: prefix), cacheTimeout: .seconds(5))
        let app = Application(
            router: RevoApplication.router(
                system: system,
                authentication: await TestAuth.authentication(),
                configuration: ServerConfiguration(requestsPerMinute: 10_000),
                clock: SystemClock(ContinuousClock())
            )
        )
        let auth = await TestAuth.headers()
        try await app.test(.router) { http in
            for expected in [false, true] {
                try await http.execute(uri: "/api/chat", method: .post, headers: auth, body: ByteBuffer(string: #"{"content":"cache me"}"#)) {
                    #expect($0.status == .ok)
                    #expect(ServerTests.json($0.body)["from_cache"] as? Bool == expected)
                }
            }
        }
        let keys = try await client.send(["KEYS", prefix + "*"])
        guard case .array(let names) = keys else {
            Issue.record("KEYS answered \(keys)")
            return
        }
        // One entry per answer: it holds its own time, so it serves both fresh and stale reads.
        let stored = names.compactMap(\.text)
        #expect(stored.count == 1 && stored.allSatisfy { $0.hasPrefix(prefix + "rc:") }, "one entry for the reply: \(stored)")
        _ = try await client.send(["DEL"] + names.compactMap(\.text))
        await client.shutdown()
        await system.shutdown()

        // A cache nobody listens on: every call fails, chat answers from the model, health names the cache.
        let unreachable = RedisClient(RedisURL(host: "127.0.0.1", port: 1))
        let degraded = await ServerTests.system(cache: RedisCache(client: unreachable))
        let reply = try await degraded.chat.chat(ChatRequest(content: "still there?"))
        #expect(reply.provider == "openai")
        for _ in 0..<5 { _ = try await degraded.chat.chat(ChatRequest(content: "again \(UUID())")) }
        let cacheHealth = await degraded.health().services.first { $0.service == .cache }?.health
        #expect(cacheHealth?.status == .degraded)
        #expect(cacheHealth?.reasons.first?.contains("127.0.0.1:1") == true)
        await unreachable.shutdown()
        await degraded.shutdown()
    }
}
