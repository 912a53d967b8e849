import Foundation
import RevoCore

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
