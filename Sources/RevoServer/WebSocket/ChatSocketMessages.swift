/// A message from the client on `WS /ws/chat` (JSON text frames; see `docs/websocket.md`).
struct SocketCommand: Decodable, Sendable {
    enum Kind: String, Decodable, Sendable, CaseIterable {
        case auth
        case chat
        case cancel
        case ping
    }

    var type: String
    /// `auth`: the access token.
    var token: String?
    // `chat`: the fields of `POST /api/chat`.
    var content: String?
    var systemPrompt: String?
    var maxTokens: Int?
    var temperature: Double?
    var provider: String?
    var conversationId: String?
    var useMemory: Bool?
    var sessionId: String?
    var messageId: String?

    var kind: Kind? { Kind(rawValue: type) }

    var chatBody: ChatBody {
        ChatBody(
            content: content ?? "",
            systemPrompt: systemPrompt,
            maxTokens: maxTokens,
            temperature: temperature,
            provider: provider,
            conversationId: conversationId,
            useMemory: useMemory,
            sessionId: sessionId,
            messageId: messageId
        )
    }
}

/// A message from the server: `ready`, `start`, `token`, `response`, `interrupted`, `cancelled`, `error`, `pong`.
struct SocketEvent: Encodable, Sendable {
    var type: String
    var messageId: String?
    var content: String?
    var provider: String?
    var tokensUsed: Int?
    var generationTime: Double?
    var attempted: [String]?
    var deliveredTokens: Int?
    var code: String?
    var message: String?
    var field: String?
    var user: String?

    init(type: String, messageId: String? = nil) {
        self.type = type
        self.messageId = messageId
    }

    static func error(_ error: APIError, messageId: String? = nil) -> SocketEvent {
        var event = SocketEvent(type: "error", messageId: messageId)
        event.code = error.code
        event.message = error.message
        event.field = error.field
        return event
    }
}
