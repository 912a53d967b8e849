import Foundation
import HTTPTypes
import Hummingbird
import RevoCore
import Tracing

/// The API's routes over a ``RevoSystem``; shapes follow the original (see `GET /openapi.json`).
struct RevoRoutes<Context: IdentifiedRequestContext>: Sendable {
    let system: RevoSystem
    let tokens: TokenService
    let bodyLimit: Int
    let metrics: ServerMetrics
    /// Spans of each chat when tracing is on.
    let spans: ChatSpans?

    func register(on router: Router<Context>) {
        let health = HealthAnswerMemo()
        router.get("/health") { _, _ in JSONBody.response(json: health.json(for: await system.health())) }
        // Liveness is the process itself: no round trip to any dependency (that is readiness's job).
        // The probes' answers are written once: orchestrators call them every few seconds on every replica.
        let alive = Array(#"{"status":"alive"}"#.utf8)
        let stopped = Array(#"{"status":"stopped"}"#.utf8)
        let ready = Array(#"{"status":"ready"}"#.utf8)
        router.get("/health/live") { _, _ in
            system.phase != .stopped ? JSONBody.response(json: alive) : JSONBody.response(json: stopped, status: .serviceUnavailable)
        }
        router.get("/health/ready") { _, _ in
            let report = await system.health()
            guard report.ready else {
                throw APIError(
                    status: .serviceUnavailable,
                    code: "not_ready",
                    message: "not ready: " + report.notReadyBecause.joined(separator: "; "),
                    retryAfter: 5
                )
            }
            return JSONBody.response(json: ready)
        }
        // Everything that reaches the models, memory or engines needs an access token; health, metrics and the
        // document do not (probes and scrapers carry none).
        let api = ProtectedRoutes(router: router, access: AuthMiddleware<Context>(tokens: tokens))
        api.on("/api/chat", .post) { request, context in try await chat(request, context: context) }
        api.on("/api/models", .get) { _, _ in try JSONBody.response(ModelsAnswer(await system.modelList())) }
        api.on("/api/memory/stats", .get) { _, _ in
            let report = await system.memoryReport()
            return try JSONBody.response(MemoryStatsAnswer(report))
        }
        api.on("/api/memory/query", .post) { request, context in try await memoryQuery(request, context: context) }
        api.on("/api/memory/store", .post) { request, context in try await memoryStore(request, context: context) }
        api.on("/api/memory/health", .get) { _, _ in
            let health = await system.memory.health()
            return try JSONBody.response(health, status: health.status == .unhealthy ? .serviceUnavailable : .ok)
        }
        api.on("/engines/status", .get) { _, _ in
            try JSONBody.response(system.coordinator.statuses().map { ["engine": $0.engine.rawValue, "state": $0.state.rawValue] })
        }
        api.on("/engines/execute", .post) { request, context in try await executeEngines(request, context: context) }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: await metrics.scrape(system)))
            )
        }
        let document = ServedOpenAPIDocument(providers: system.models.statuses().map(\.id.rawValue))
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: document.body))
        }
    }

    private func chat(_ request: Request, context: Context) async throws -> Response {
        let started = spans == nil ? nil : UnixInstant.now()
        let body = try await JSONBody.decode(ChatBody.self, from: request, limit: bodyLimit)
        let reply: ChatReply
        do throws(ChatError) {
            reply = try await system.chat.chat(body.request.scoped(to: context.identity))
        } catch {
            let answer = APIError(error)
            trace(request, started: started, reply: .failure(error), status: answer.status.code)
            throw answer
        }
        trace(request, started: started, reply: .success(reply), status: 200)
        return JSONBody.response(
            json: ChatAnswer(reply).json,
            headers: [
                HTTPField(name: .revoProvider, value: reply.provider.rawValue),
                HTTPField(name: .revoAttempted, value: reply.trace.attemptedHeaderValue),
            ]
        )
    }

    /// Records the chat's spans when tracing is on, in the caller's trace when its request carries a `traceparent`.
    private func trace(_ request: Request, started: UnixInstant?, reply: Result<ChatReply, ChatError>, status: Int) {
        guard let spans, let started else { return }
        var context = ServiceContext.topLevel
        if let header = request.headers[.traceparent] { RevoTracer.continueTrace(header, into: &context) }
        spans.record(route: "/api/chat", context: context, started: started, reply: reply, status: status)
    }

    private func memoryStore(_ request: Request, context: Context) async throws -> Response {
        let body = try await JSONBody.decode(MemoryStoreBody.self, from: request, limit: bodyLimit)
        guard !body.content.isEmpty else {
            throw APIError(status: .unprocessableContent, code: "invalid_field", message: "content must not be empty", field: "content")
        }
        try APILimits.check(body.content, "content", atMost: APILimits.memoryLength)
        try APILimits.check(body.type, "type", atMost: APILimits.typeLength)
        let sessionID: String?
        do throws(ChatError) {
            // A memory without a session is still the account's: it is stored in the account's own scope.
            sessionID =
                try body.sessionId.map { id throws(ChatError) in try ChatRequest.scope(id, field: "session_id", to: context.identity) }
                ?? context.identity.map { MemoryFilter.ownScope(of: $0.userID) }
        } catch {
            throw APIError(error)
        }
        let receipt: PerfectRecallEngine.StoreReceipt
        do throws(StoreError) {
            receipt = try await system.recall.store(content: body.content, type: body.type ?? "note", sessionID: sessionID)
        } catch {
            // Durable nowhere: nothing was acknowledged, so the client may retry.
            throw APIError(status: .serviceUnavailable, code: "memory_unavailable", message: "memory store unavailable: \(error)", retryAfter: 5)
        }
        return JSONBody.response(json: MemoryStoreAnswer(id: receipt.id, durability: receipt.durability.rawValue).json, status: .created)
    }

    private func memoryQuery(_ request: Request, context: Context) async throws -> Response {
        let body = try await JSONBody.decode(MemoryQueryBody.self, from: request, limit: bodyLimit)
        try APILimits.check(body.type, "type", atMost: APILimits.typeLength)
        let result: PerfectRecallEngine.RecallResult
        do throws(ChatError) {
            result = try await system.queryMemory(
                body.query,
                filter: MemoryFilter(
                    type: body.type,
                    sessionID: try body.sessionId.map { id throws(ChatError) in try ChatRequest.scope(id, field: "session_id", to: context.identity)
                    },
                    owner: context.identity?.userID
                ),
                limit: body.limit ?? 10
            )
        } catch {
            throw APIError(error)
        }
        return JSONBody.response(
            json: MemoryQueryAnswer(
                memories: result.memories.map {
                    .init(id: $0.entry.id, content: $0.entry.content, type: $0.entry.type, similarity: $0.similarity, score: $0.score)
                },
                queryTimeMs: result.queryTime.seconds * 1_000,
                servedBy: result.servedBy.rawValue
            ).json
        )
    }

    private func executeEngines(_ request: Request, context: Context) async throws -> Response {
        let body = try await JSONBody.decode(EngineBody.self, from: request, limit: bodyLimit)
        try APILimits.check(body.taskType, "task_type", atMost: APILimits.typeLength)
        if let seconds = body.timeoutSeconds, !(0.001...600).contains(seconds) {
            throw APIError(
                status: .unprocessableContent,
                code: "invalid_field",
                message: "timeout_seconds: must be between 0.001 and 600, got \(seconds)",
                field: "timeout_seconds"
            )
        }
        func choose<T: RawRepresentable & CaseIterable>(_ value: String?, _ field: String, default fallback: T) throws -> T
        where T.RawValue == String {
            guard let value else { return fallback }
            guard let chosen = T(rawValue: value) else {
                let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError(
                    status: .unprocessableContent,
                    code: "invalid_field",
                    message: "\(field): '\(value)' is not one of \(allowed)",
                    field: field
                )
            }
            return chosen
        }
        let engines = try (body.requiredEngines ?? []).map { try choose($0, "required_engines", default: EngineKind.creative) }
        let coordination = CoordinationRequest(
            taskID: body.taskId ?? system.ids.next("task"),
            taskType: body.taskType ?? "general",
            description: body.description,
            input: body.input ?? "",
            complexity: try choose(body.complexity, "complexity", default: CoordinationRequest.Complexity.moderate),
            requiredEngines: engines,
            strategy: try choose(body.strategy, "strategy", default: CoordinationRequest.Strategy.adaptive),
            timeout: .milliseconds(Int64(((body.timeoutSeconds ?? 60) * 1_000).rounded())),
            memoryOwner: context.identity?.userID
        )
        let response: CoordinationResponse
        do throws(ChatError) {
            response = try await system.executeEngines(coordination)
        } catch {
            throw APIError(error)
        }
        return JSONBody.response(
            json: EngineAnswer(
                taskId: response.taskID,
                success: response.success,
                primaryResult: response.primaryResult,
                engineResponses: response.engineResponses.map {
                    .init(
                        engine: $0.engine.rawValue,
                        success: $0.success,
                        result: $0.result,
                        error: $0.error,
                        executionTimeMs: $0.executionTime.seconds * 1_000
                    )
                },
                totalExecutionTimeMs: response.totalExecutionTime.seconds * 1_000
            ).json
        )
    }
}

/// `GET /api/memory/stats` answer.
struct MemoryStatsAnswer: Encodable, Sendable {
    var primaryEntries: Int?
    var fallbackEntries: Int?
    var outboxDepth: Int?
    var acknowledgedWrites: Int
    var writesToOutbox: Int
    var replayedWrites: Int
    var recalls: Int
    var recallsOverTarget: Int
    var status: String
    var reasons: [String]

    init(_ report: RevoSystem.MemoryReport) {
        primaryEntries = report.store.primaryEntries
        fallbackEntries = report.store.fallbackEntries
        outboxDepth = report.store.outboxDepth
        acknowledgedWrites = report.store.statistics.acknowledgedWrites
        writesToOutbox = report.store.statistics.writesToOutbox
        replayedWrites = report.store.statistics.replayedWrites
        recalls = report.recall.recalls
        recallsOverTarget = report.recall.recallsOverTarget
        status = report.health.status.rawValue
        reasons = report.health.reasons
    }
}
