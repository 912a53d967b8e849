import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RevoCore
import RevoRuntime
import RevoSim
import Testing

@testable import RevoServer

@Suite("HTTP API")
struct ServerTests {
    /// A system on the real clock with instant fake providers and in-process stores, started.
    static func system(
        databaseDown: Bool = false,
        cache: (any Cache)? = nil,
        cacheTimeout: Duration = RevoSystem.Configuration().cacheTimeout,
        providers: [any ModelProvider] = [InstantProvider(.openai(hasKey: true)), InstantProvider(.mock())]
    ) async -> RevoSystem {
        let clock = SystemClock(ContinuousClock())
        let machine = MachineResources(totalRAM: .gigabytes(16), availableRAM: .gigabytes(8), cpuCores: 4)
        let conversations: any ConversationStore = databaseDown ? DownStore() : InMemoryConversationStore()
        let system = RevoSystem(
            configuration: RevoSystem.Configuration(cacheTimeout: cacheTimeout, seed: 1),
            dependencies: RevoSystem.Dependencies(
                providers: providers,
                probe: FixedResourceProbe(machine),
                conversations: conversations,
                memoryPrimary: InMemoryMemoryBackend(),
                cache: cache ?? InMemoryCache(clock: clock),
                clock: clock,
                starter: ConcurrentTaskStarter()
            )
        )
        await system.start()
        await system.modelsLoaded()
        return system
    }

    /// A conversation store that is down.
    struct DownStore: ConversationStore {
        let name = "postgres"
        func ping() async throws(StoreError) { throw .unavailable("connection refused (PostgreSQL)") }
        func append(_ message: StoredMessage) async throws(StoreError) { throw .unavailable("connection refused (PostgreSQL)") }
        func messages(conversationID: String, limit: Int) async throws(StoreError) -> [StoredMessage] {
            throw .unavailable("connection refused (PostgreSQL)")
        }
    }

    static func app(
        _ system: RevoSystem,
        origins: [String] = ["http://localhost:3000"],
        requestsPerMinute: Int = 10_000,
        clock: SystemClock = SystemClock(ContinuousClock())
    ) async -> some ApplicationProtocol {
        Application(
            router: RevoApplication.router(
                system: system,
                authentication: await TestAuth.authentication(),
                configuration: ServerConfiguration(allowedOrigins: origins, requestsPerMinute: requestsPerMinute),
                clock: clock
            )
        )
    }

    static func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any] ?? [:]
    }

    static func error(_ buffer: ByteBuffer) -> [String: Any] {
        json(buffer)["error"] as? [String: Any] ?? [:]
    }

    @Test("GET /health lists every service with its status; live and ready answer 200 when healthy")
    func health() async throws {
        let system = await Self.system()
        try await Self.app(system).test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let body = Self.json(response.body)
                #expect((body["services"] as? [String: Any])?.keys.sorted() == ["backend", "cache", "database", "engines", "memory", "models"])
                #expect(body["available_providers"] as? [String] == ["openai", "mock"])
                #expect(response.headers[HTTPField.Name("x-request-id")!] != nil)
            }
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
                #expect(Self.json(response.body)["status"] as? String == "alive")
            }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(Self.json(response.body)["status"] as? String == "ready")
            }
        }
        await system.shutdown()
    }

    @Test("readiness is 503 with the reason while the database is down; chat still answers")
    func notReady() async throws {
        let system = await Self.system(databaseDown: true)
        let auth = await TestAuth.headers()
        try await Self.app(system).test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "5")
                #expect((Self.error(response.body)["message"] as? String)?.contains("connection refused (PostgreSQL)") == true)
            }
            try await client.execute(
                uri: "/api/chat",
                method: .post,
                headers: auth,
                body: ByteBuffer(string: #"{"content":"hi","conversation_id":"c1"}"#)
            ) {
                #expect($0.status == .ok)
            }
        }
        await system.shutdown()
    }

    @Test("POST /api/chat answers with the content, the provider and the decision trace, also in headers")
    func chat() async throws {
        let system = await Self.system()
        let auth = await TestAuth.headers()
        try await Self.app(system).test(.router) { client in
            try await client.execute(
                uri: "/api/chat",
                method: .post,
                headers: auth,
                body: ByteBuffer(string: #"{"content":"hello","max_tokens":16,"temperature":0.2}"#)
            ) {
                response in
                #expect(response.status == .ok)
                let body = Self.json(response.body)
                #expect(body["provider"] as? String == "openai")
                #expect((body["content"] as? String)?.isEmpty == false)
                #expect((body["trace"] as? [[String: Any]])?.first?["outcome"] as? String == "answered")
                // The answer spells its keys itself (no key conversion): every one is the wire's name.
                #expect(
                    body.keys.sorted() == [
                        "content", "cost_usd", "from_cache", "generation_time", "history_messages", "memories_used", "provider", "request_id",
                        "stale",
                        "tokens_used", "trace",
                    ]
                )
                #expect((body["trace"] as? [[String: Any]])?.first?.keys.sorted() == ["duration_ms", "outcome", "provider", "retry"])
                #expect(response.headers[HTTPField.Name("x-revo-provider")!] == "openai")
                #expect(response.headers[HTTPField.Name("x-revo-attempted")!] == "openai")
                // The route writes the length itself: one of each field, the length the body's.
                #expect(response.headers[.contentLength] == String(response.body.readableBytes))
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let names = response.headers.map(\.name.canonicalName)
                #expect(names.count == Set(names).count, "no field twice: \(names)")
            }
        }
        await system.shutdown()
    }

    @Test(
        "bad input gets the one error shape with the right status and the field",
        arguments: [
            (#"{"content":"#, 400, "malformed_json", nil as String?),
            ("", 400, "empty_body", nil),
            (#"{"max_tokens":5}"#, 422, "missing_field", "content"),
            (#"{"content":"hi","max_tokens":"lots"}"#, 422, "invalid_field", "max_tokens"),
            (#"{"content":"hi","temperature":3}"#, 422, "invalid_field", "temperature"),
            (#"{"content":"   "}"#, 422, "invalid_field", "content"),
            (#"{"content":"hi","provider":"gpt-5"}"#, 422, "invalid_field", "provider"),
        ]
    )
    func badInput(body: String, status: Int, code: String, field: String?) async throws {
        let system = await Self.system()
        let auth = await TestAuth.headers()
        try await Self.app(system).test(.router) { client in
            try await client.execute(uri: "/api/chat", method: .post, headers: auth, body: ByteBuffer(string: body)) { response in
                #expect(response.status.code == status)
                let error = Self.error(response.body)
                #expect(error["code"] as? String == code)
                #expect(error["field"] as? String == field)
                #expect(error["message"] as? String != nil)
            }
        }
        await system.shutdown()
    }

    @Test("the chat answer's hand-written JSON is what the encoder writes, byte for byte")
    func chatAnswerJSON() async throws {
        let system = await Self.system()
        var answer = ChatAnswer(try await system.chat.chat(ChatRequest(content: "hello", maxTokens: 8)))
        answer.content = "quote \" slash / newline \n tab \t é 😀"
        answer.costUsd = 0.000125
        answer.trace.insert(.init(provider: "local", outcome: "failed", detail: "timed out after 1.5 s", retry: 2, durationMs: 1500.25), at: 0)
        answer.trace.insert(.init(provider: "ollama", outcome: "skipped", detail: "circuit open", retry: 0, durationMs: 0), at: 0)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: answer.json, as: UTF8.self) == String(decoding: try encoder.encode(answer), as: UTF8.self))
        await system.shutdown()
    }

    @Test("health, memory and engine answers' hand-written JSON is what the encoder writes, byte for byte")
    func otherAnswersJSON() async throws {
        let system = await Self.system(databaseDown: true)
        var health = HealthAnswer(await system.health())
        health.notReadyBecause = ["database: \"down\" / out"]
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        func text(_ value: some Encodable) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        #expect(String(decoding: health.json, as: UTF8.self) == (try text(health)))
        let stored = MemoryStoreAnswer(id: "mem/1", durability: "outbox")
        #expect(String(decoding: stored.json, as: UTF8.self) == (try text(stored)))
        let found = MemoryQueryAnswer(
            memories: [
                .init(id: "m1", content: "a \"b\"", type: "note", similarity: 0.75, score: 0.8125),
                .init(id: "m2", content: "", type: "x", similarity: 1, score: 0.9),
            ],
            queryTimeMs: 1.5,
            servedBy: "primary"
        )
        #expect(String(decoding: found.json, as: UTF8.self) == (try text(found)))
        let none = MemoryQueryAnswer(memories: [], queryTimeMs: 0, servedBy: "fallback")
        #expect(String(decoding: none.json, as: UTF8.self) == (try text(none)))
        let engines = EngineAnswer(
            taskId: "task-1",
            success: true,
            primaryResult: "line \"one\"\nline two / é",
            engineResponses: [
                .init(engine: "creative", success: true, result: "idea", error: nil, executionTimeMs: 12.5),
                .init(engine: "parallel", success: false, result: nil, error: "timed out after 1.5 s", executionTimeMs: 1500.25),
            ],
            totalExecutionTimeMs: 1512.75
        )
        #expect(String(decoding: engines.json, as: UTF8.self) == (try text(engines)))
        let failed = EngineAnswer(taskId: "t", success: false, primaryResult: nil, engineResponses: [], totalExecutionTimeMs: 0)
        #expect(String(decoding: failed.json, as: UTF8.self) == (try text(failed)))
        await system.shutdown()
    }

    @Test("a chat body reads every optional field by its snake_case name")
    func chatBodyFields() throws {
        let json = #"""
            {"content":"hi","system_prompt":"be brief","max_tokens":7,"temperature":0.1,"provider":"openai",
             "conversation_id":"c","use_memory":true,"session_id":"s","message_id":"m"}
            """#
        var text = json
        let request = try text.withUTF8 { try ChatBody(JSONObject(parsing: UnsafeRawBufferPointer($0))) }.request
        #expect(
            request
                == ChatRequest(
                    content: "hi",
                    systemPrompt: "be brief",
                    maxTokens: 7,
                    temperature: 0.1,
                    provider: "openai",
                    conversationID: "c",
                    useMemory: true,
                    sessionID: "s",
                    messageID: "m"
                )
        )
    }

    @Test("an oversized body is 413; an unknown route is 404 in the same error shape")
    func limits() async throws {
        let system = await Self.system()
        let auth = await TestAuth.headers()
        try await Self.app(system).test(.router) { client in
            let big = #"{"content":""# + String(repeating: "x", count: 70_000) + #""}"#
            try await client.execute(uri: "/api/chat", method: .post, headers: auth, body: ByteBuffer(string: big)) { response in
                #expect(response.status == .contentTooLarge)
                #expect(Self.error(response.body)["code"] as? String == "body_too_large")
            }
            try await client.execute(uri: "/api/nothing", method: .get, headers: auth) { response in
                #expect(response.status == .notFound)
                #expect(Self.error(response.body)["message"] as? String == "no route GET /api/nothing")
            }
        }
        await system.shutdown()
    }

    @Test("a known path asked with another method is 405 with Allow naming the methods it answers")
    func wrongMethod() async throws {
        let system = await Self.system()
        let auth = await TestAuth.headers()
        try await Self.app(system).test(.router) { client in
            for (method, path, allowed) in [(HTTPRequest.Method.get, "/api/chat", "POST"), (.delete, "/health", "GET"), (.post, "/ws/chat", "GET")] {
                try await client.execute(uri: path, method: method, headers: auth) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(response.headers[.allow] == allowed, "\(method) \(path)")
                    #expect(Self.error(response.body)["code"] as? String == "method_not_allowed")
                    #expect(Self.error(response.body)["message"] as? String == "\(method) is not allowed on \(path); allowed: \(allowed)")
                }
            }
            // A path the server does not serve is still the 404 that names the path meant.
            try await client.execute(uri: "/api/chats", method: .post, headers: auth) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.allow] == nil)
            }
        }
        await system.shutdown()
    }

    @Test("CORS: a preflight from an allowed origin is answered with credentials; a rejected origin gets no CORS headers")
    func cors() async throws {
        let system = await Self.system()
        try await Self.app(system).test(.router) { client in
            try await client.execute(
                uri: "/api/chat",
                method: .options,
                headers: [.origin: "http://localhost:3000", .accessControlRequestMethod: "POST"]
            ) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "http://localhost:3000")
                #expect(response.headers[.accessControlAllowCredentials] == "true")
                #expect(response.headers[.accessControlAllowOrigin] != "*")
            }
            try await client.execute(
                uri: "/api/chat",
                method: .options,
                headers: [.origin: "http://evil.example", .accessControlRequestMethod: "POST"]
            ) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
            try await client.execute(uri: "/health", method: .get, headers: [.origin: "http://evil.example"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
            // An error is readable by an allowed page too: without the headers the browser hides the 401's reason.
            try await client.execute(uri: "/api/models", method: .get, headers: [.origin: "http://localhost:3000"]) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.accessControlAllowOrigin] == "http://localhost:3000")
                #expect(response.headers[.init("x-request-id")!] != nil)
            }
        }
        await system.shutdown()
    }

    @Test("models, memory and engine routes answer; bad engine input names the field")
    func otherRoutes() async throws {
        let system = await Self.system()
        let auth = await TestAuth.headers()
        try await Self.app(system).test(.router) { client in
            try await client.execute(uri: "/api/models", method: .get, headers: auth) { response in
                let providers = Self.json(response.body)["providers"] as? [[String: Any]]
                #expect(providers?.map { $0["id"] as? String } == ["openai", "mock"])
            }
            try await client.execute(
                uri: "/api/memory/query",
                method: .post,
                headers: auth,
                body: ByteBuffer(string: #"{"query":"anything","limit":5}"#)
            ) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/memory/query", method: .post, headers: auth, body: ByteBuffer(string: #"{"query":"x","limit":500}"#))
            {
                #expect($0.status == .unprocessableContent)
                #expect(Self.error($0.body)["field"] as? String == "limit")
            }
            // A stored memory is acknowledged with where it is durable, and found again by a query.
            try await client.execute(
                uri: "/api/memory/store",
                method: .post,
                headers: auth,
                body: ByteBuffer(string: #"{"content":"deploy notes: the cache runs on redis","type":"note"}"#)
            ) { response in
                #expect(response.status == .created)
                #expect(Self.json(response.body)["durability"] as? String == "primary")
                #expect((Self.json(response.body)["id"] as? String)?.isEmpty == false)
            }
            try await client.execute(
                uri: "/api/memory/query",
                method: .post,
                headers: auth,
                body: ByteBuffer(string: #"{"query":"deploy notes: the cache runs on redis","limit":1}"#)
            ) { response in
                let memories = Self.json(response.body)["memories"] as? [[String: Any]]
                #expect(memories?.first?["content"] as? String == "deploy notes: the cache runs on redis")
            }
            try await client.execute(uri: "/api/memory/store", method: .post, headers: auth, body: ByteBuffer(string: #"{"content":""}"#)) {
                #expect($0.status == .unprocessableContent)
                #expect(Self.error($0.body)["field"] as? String == "content")
            }
            try await client.execute(uri: "/api/memory/stats", method: .get, headers: auth) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/memory/health", method: .get, headers: auth) { #expect($0.status == .ok) }
            try await client.execute(uri: "/engines/status", method: .get, headers: auth) { response in
                #expect((try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [[String: String]] != nil)
            }
            try await client.execute(
                uri: "/engines/execute",
                method: .post,
                headers: auth,
                body: ByteBuffer(string: #"{"description":"run a batch of checks"}"#)
            ) {
                #expect($0.status == .ok)
                #expect(Self.json($0.body)["success"] as? Bool == true)
            }
            try await client.execute(
                uri: "/engines/execute",
                method: .post,
                headers: auth,
                body: ByteBuffer(string: #"{"description":"x","strategy":"random"}"#)
            ) {
                #expect($0.status == .unprocessableContent)
                #expect(Self.error($0.body)["field"] as? String == "strategy")
            }
        }
        await system.shutdown()
    }

    @Test("past the per-client limit requests get 429 with Retry-After; health probes are exempt")
    func rateLimit() async throws {
        let system = await Self.system()
        let auth = await TestAuth.headers()
        // A stopped clock: however slowly the requests run, the wait is the whole refill interval.
        try await Self.app(system, requestsPerMinute: 3, clock: SystemClock(StoppedClock())).test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/api/models", method: .get, headers: auth) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/api/models", method: .get, headers: auth) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "20")
                #expect(Self.error(response.body)["code"] as? String == "rate_limited")
            }
            try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .ok) }
        }
        await system.shutdown()
    }

    @Test("GET /metrics exposes health, readiness, providers and the requests served in Prometheus text")
    func metrics() async throws {
        let system = await Self.system()
        try await Self.app(system).test(.router) { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/api/nope", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(buffer: response.body)
                #expect(text.contains(#"revo_health_status{service="database"} 0"#))
                #expect(text.contains("revo_ready 1"))
                #expect(text.contains(#"revo_provider_available{provider="openai"} 1"#))
                #expect(text.contains("revo_memory_outbox_depth 0"))
                let live = #"http_route="/health/live",http_request_method="GET",http_response_status_code="200""#
                #expect(text.contains("hb_requests{\(live)} 2"))
                #expect(text.contains("http_server_request_duration_count{\(live)} 2"))
                // Unknown paths under /api end in the catch-all that suggests the route meant.
                #expect(text.contains(#"hb_request_errors{http_route="/api/**",http_request_method="GET",error_type="404"} 1"#))
                #expect(!text.contains(#"hb_request_errors{http_route="/health/live""#))
                // The scrape itself is the one request in flight.
                #expect(text.contains(#"http_server_active_requests{http_request_method="GET"} 1"#))
            }
        }
        await system.shutdown()
    }

    @Test("the OpenAPI document lists exactly the routes the router has")
    func openAPI() async throws {
        let system = await Self.system()
        let router = RevoApplication.router(
            system: system,
            authentication: await TestAuth.authentication(),
            configuration: ServerConfiguration(),
            clock: SystemClock(ContinuousClock())
        )
        // The catch-all that closes WebSockets opened on a wrong path (4404) is no API route of its own.
        let catchAll = ChatSocket<RevoRequestContext>.wrongPaths.map { "get " + ($0.hasPrefix("/") ? $0 : "/" + $0) }
        let routed = Set(router.routes.map { "\($0.method.rawValue.lowercased()) \($0.path)" }).subtracting(catchAll)
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                let paths = Self.json(response.body)["paths"] as? [String: [String: Any]] ?? [:]
                let documented = Set(paths.flatMap { path, methods in methods.keys.map { "\($0) \(path)" } })
                #expect(documented == routed)
            }
        }
        await system.shutdown()
    }
}
