import Foundation
import RevoCore

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
