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
