import Foundation
import RevoCore

/// `POST /api/chat` body, in the original API's shape (snake_case on the wire).
struct ChatBody: Sendable, JSONObjectDecodable {
    var content: String
    var systemPrompt: String?
    var maxTokens: Int?
    var temperature: Double?
    var provider: String?
    var conversationId: String?
    var useMemory: Bool?
    var sessionId: String?
    var messageId: String?

    static let fields = [
        "content", "system_prompt", "max_tokens", "temperature", "provider", "conversation_id", "use_memory", "session_id", "message_id",
    ]

    init(_ object: JSONObject) throws(APIError) {
        try object.allowOnly(Self.fields)
        try self.init(checked: object)
    }

    /// The fields of an object whose members were checked already (a WebSocket `chat` also has its `type`).
    init(checked object: JSONObject) throws(APIError) {
        content = try object.requiredString("content")
        systemPrompt = try object.string("system_prompt")
        maxTokens = try object.int("max_tokens")
        temperature = try object.double("temperature")
        provider = try object.string("provider")
        conversationId = try object.string("conversation_id")
        useMemory = try object.bool("use_memory")
        sessionId = try object.string("session_id")
        messageId = try object.string("message_id")
    }

    var request: ChatRequest {
        ChatRequest(
            content: content,
            systemPrompt: systemPrompt,
            maxTokens: maxTokens ?? 1024,
            temperature: temperature ?? 0.7,
            provider: provider,
            conversationID: conversationId,
            useMemory: useMemory ?? false,
            sessionID: sessionId,
            messageID: messageId
        )
    }
}

/// `POST /api/chat` answer: the original's fields, plus the decision trace.
struct ChatAnswer: Encodable, Sendable {
    struct Step: Encodable, Sendable {
        var provider: String
        var outcome: String
        var detail: String?
        var retry: Int
        var durationMs: Double

        enum CodingKeys: String, CodingKey {
            case provider, outcome, detail, retry
            case durationMs = "duration_ms"
        }
    }

    var content: String
    var provider: String
    var tokensUsed: Int
    var generationTime: Double
    var requestId: String
    var costUsd: Double
    var memoriesUsed: Int
    var historyMessages: Int
    var fromCache: Bool
    var stale: Bool
    var trace: [Step]

    enum CodingKeys: String, CodingKey {
        case content, provider, stale, trace
        case tokensUsed = "tokens_used"
        case generationTime = "generation_time"
        case requestId = "request_id"
        case costUsd = "cost_usd"
        case memoriesUsed = "memories_used"
        case historyMessages = "history_messages"
        case fromCache = "from_cache"
    }

    init(_ reply: ChatReply) {
        content = reply.content
        provider = reply.provider.rawValue
        tokensUsed = reply.tokensUsed
        generationTime = reply.generationTime.seconds
        requestId = reply.requestID
        costUsd = reply.costUSD
        memoriesUsed = reply.memoriesUsed
        historyMessages = reply.historyMessages
        fromCache = reply.fromCache
        stale = reply.stale
        trace = reply.trace.steps.map { step in
            let (outcome, detail): (String, String?) =
                switch step.outcome {
                case .skipped(let reason): ("skipped", reason)
                case .failed(let error): ("failed", "\(error)")
                case .succeeded: ("answered", nil)
                case .interrupted(let error): ("interrupted", "\(error)")
                }
            return Step(
                provider: step.provider.rawValue,
                outcome: outcome,
                detail: detail,
                retry: step.retry,
                durationMs: step.duration.seconds * 1_000
            )
        }
    }
}

extension ChatAnswer {
    /// The answer's JSON, written by hand: the bytes `JSONEncoder` with sorted keys writes for its `Encodable` shape
    /// (a test compares them), for a fraction of the cost (the encoder was the largest single cost of a chat request).
    var json: [UInt8] {
        var writer = JSONObjectWriter(capacity: 384 + content.utf8.count)
        writer.field("content", content)
        writer.field("cost_usd", costUsd)
        writer.field("from_cache", fromCache)
        writer.field("generation_time", generationTime)
        writer.field("history_messages", historyMessages)
        writer.field("memories_used", memoriesUsed)
        writer.field("provider", provider)
        writer.field("request_id", requestId)
        writer.field("stale", stale)
        writer.field("tokens_used", tokensUsed)
        writer.field("trace", objects: trace) { object, step in
            object.field("detail", step.detail)
            object.field("duration_ms", step.durationMs)
            object.field("outcome", step.outcome)
            object.field("provider", step.provider)
            object.field("retry", step.retry)
        }
        return writer.finished()
    }
}

/// `GET /health` answer.
struct HealthAnswer: Encodable, Sendable {
    struct ServiceAnswer: Encodable, Sendable {
        var status: String
        var reasons: [String]
    }

    var status: String
    var live: Bool
    var ready: Bool
    var notReadyBecause: [String]
    var services: [String: ServiceAnswer]
    var availableProviders: [String]

    init(_ report: HealthReport) {
        status = report.status.rawValue
        live = report.live
        ready = report.ready
        notReadyBecause = report.notReadyBecause
        services = Dictionary(
            uniqueKeysWithValues: report.services.map {
                ($0.service.rawValue, ServiceAnswer(status: $0.health.status.rawValue, reasons: $0.health.reasons))
            }
        )
        availableProviders = report.availableProviders.map(\.rawValue)
    }
}

extension HealthAnswer {
    /// What `JSONEncoder` with snake_case and sorted keys writes for it (a test compares them): a monitor polls it.
    var json: [UInt8] {
        var writer = JSONObjectWriter(capacity: 512)
        writer.field("available_providers", strings: availableProviders)
        writer.field("live", live)
        writer.field("not_ready_because", strings: notReadyBecause)
        writer.field("ready", ready)
        writer.field("services") { object in
            for name in services.keys.sorted() {
                let service = services[name]!
                object.field(named: name) { entry in
                    entry.field("reasons", strings: service.reasons)
                    entry.field("status", service.status)
                }
            }
        }
        writer.field("status", status)
        return writer.finished()
    }
}

/// `GET /api/models` answer.
struct ModelsAnswer: Encodable, Sendable {
    struct Provider: Encodable, Sendable {
        var id: String
        var name: String
        var kind: String
        var status: String
        var reason: String?
        var circuit: String
        var contextWindow: Int
        var pricePer1kTokens: Double
    }

    struct Machine: Encodable, Sendable {
        var totalRamGb: Double
        var availableRamGb: Double
        var gpuMemoryGb: Double?
        var gpuAvailableGb: Double?
        var cpuCores: Int
        var nativeLibraries: [String]
    }

    var providers: [Provider]
    var machine: Machine
    var costs: CostLedger.Summary
    var dailyCapUsd: Double

    init(_ list: RevoSystem.ModelList) {
        providers = list.providers.map { status in
            let (state, reason): (String, String?) =
                switch status.state {
                case .ready: ("ready", nil)
                case .loading: ("loading", nil)
                case .unloaded: ("not_loaded", nil)
                case .unavailable(let reason, _): ("unavailable", reason)
                }
            let circuit: String =
                switch status.breaker {
                case .closed: "closed"
                case .open: "open"
                case .halfOpen: "half_open"
                }
            return Provider(
                id: status.id.rawValue,
                name: status.descriptor.displayName,
                kind: status.descriptor.kind.rawValue,
                status: state,
                reason: reason,
                circuit: circuit,
                contextWindow: status.descriptor.contextWindow,
                pricePer1kTokens: status.descriptor.pricePer1kTokens
            )
        }
        machine = Machine(
            totalRamGb: list.machine.totalRAM.gigabytes,
            availableRamGb: list.machine.availableRAM.gigabytes,
            gpuMemoryGb: list.machine.gpus.first?.totalMemory.gigabytes,
            gpuAvailableGb: list.machine.gpus.first?.availableMemory.gigabytes,
            cpuCores: list.machine.cpuCores,
            nativeLibraries: list.machine.nativeLibraries
        )
        costs = list.costs
        dailyCapUsd = list.costPolicy.dailyCapUSD
    }
}

/// `POST /api/memory/store` body and answer: where the write is durable (`primary`, or `outbox` while the store is
/// down; replayed later).
struct MemoryStoreBody: Sendable, JSONObjectDecodable {
    var content: String
    var type: String?
    var sessionId: String?

    init(_ object: JSONObject) throws(APIError) {
        try object.allowOnly(["content", "type", "session_id"])
        content = try object.requiredString("content")
        type = try object.string("type")
        sessionId = try object.string("session_id")
    }
}

struct MemoryStoreAnswer: Encodable, Sendable {
    var id: String
    var durability: String

    /// What `JSONEncoder` with sorted keys writes for it (a test compares them).
    var json: [UInt8] {
        var writer = JSONObjectWriter(capacity: 64 + id.utf8.count)
        writer.field("durability", durability)
        writer.field("id", id)
        return writer.finished()
    }
}

/// `POST /api/memory/query` body and answer.
struct MemoryQueryBody: Sendable, JSONObjectDecodable {
    var query: String
    var type: String?
    var sessionId: String?
    var limit: Int?

    init(_ object: JSONObject) throws(APIError) {
        try object.allowOnly(["query", "type", "session_id", "limit"])
        query = try object.requiredString("query")
        type = try object.string("type")
        sessionId = try object.string("session_id")
        limit = try object.int("limit")
    }
}

struct MemoryQueryAnswer: Encodable, Sendable {
    struct Memory: Encodable, Sendable {
        var id: String
        var content: String
        var type: String
        var similarity: Double
        var score: Double
    }

    var memories: [Memory]
    var queryTimeMs: Double
    var servedBy: String

    /// What `JSONEncoder` with snake_case and sorted keys writes for it (a test compares them).
    var json: [UInt8] {
        var writer = JSONObjectWriter(capacity: 96 + memories.reduce(0) { $0 + 96 + $1.content.utf8.count })
        writer.field("memories", objects: memories) { object, memory in
            object.field("content", memory.content)
            object.field("id", memory.id)
            object.field("score", memory.score)
            object.field("similarity", memory.similarity)
            object.field("type", memory.type)
        }
        writer.field("query_time_ms", queryTimeMs)
        writer.field("served_by", servedBy)
        return writer.finished()
    }
}

/// `POST /engines/execute` body, in the original coordinator's shape.
struct EngineBody: Sendable, JSONObjectDecodable {
    var taskId: String?
    var taskType: String?
    var description: String
    var input: String?
    var complexity: String?
    var requiredEngines: [String]?
    var strategy: String?
    var timeoutSeconds: Double?

    init(_ object: JSONObject) throws(APIError) {
        try object.allowOnly(["task_id", "task_type", "description", "input", "complexity", "required_engines", "strategy", "timeout_seconds"])
        taskId = try object.string("task_id")
        taskType = try object.string("task_type")
        description = try object.requiredString("description")
        input = try object.string("input")
        complexity = try object.string("complexity")
        requiredEngines = try object.strings("required_engines")
        strategy = try object.string("strategy")
        timeoutSeconds = try object.double("timeout_seconds")
    }
}

struct EngineAnswer: Encodable, Sendable {
    struct EngineResult: Encodable, Sendable {
        var engine: String
        var success: Bool
        var result: String?
        var error: String?
        var executionTimeMs: Double
    }

    var taskId: String
    var success: Bool
    var primaryResult: String?
    var engineResponses: [EngineResult]
    var totalExecutionTimeMs: Double
}
