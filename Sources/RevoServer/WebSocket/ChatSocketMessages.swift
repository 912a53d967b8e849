import RevoCore

/// A message from the client on `WS /ws/chat` (JSON text frames; see `docs/websocket.md`).
struct SocketCommand: Sendable, JSONObjectDecodable {
    enum Kind: String, Sendable, CaseIterable {
        case auth
        case chat
        case cancel
        case ping
    }

    var type: String
    /// `auth`: the access token.
    var token: String?
    var messageId: String?
    /// Everything the message said: a `chat` carries the fields of `POST /api/chat`.
    private let object: JSONObject

    init(_ object: JSONObject) throws(APIError) {
        try object.allowOnly(["type", "token"] + ChatBody.fields)
        type = try object.requiredString("type")
        token = try object.string("token")
        messageId = try object.string("message_id")
        self.object = object
    }

    /// A text frame's command; the error says what is wrong with it.
    init(text: String) throws(APIError) {
        var text = text
        let parsed = text.withUTF8 { bytes in Result { () throws(APIError) in try JSONObject(parsing: UnsafeRawBufferPointer(bytes)) } }
        try self.init(parsed.get())
    }

    var kind: Kind? { Kind(rawValue: type) }

    /// The fields of a `chat`, read as `POST /api/chat` reads its body.
    func chatBody() throws(APIError) -> ChatBody {
        try ChatBody(checked: object)
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

extension SocketEvent {
    /// The event's JSON text, byte for byte what `JSONEncoder` with snake_case and sorted keys writes for it (a test
    /// compares them): one is written per streamed token.
    var json: String {
        var writer = JSONObjectWriter(capacity: 48 + (content?.utf8.count ?? 0) + (message?.utf8.count ?? 0))
        writer.field("attempted", strings: attempted)
        writer.field("code", code)
        writer.field("content", content)
        writer.field("delivered_tokens", deliveredTokens)
        writer.field("field", field)
        writer.field("generation_time", generationTime)
        writer.field("message", message)
        writer.field("message_id", messageId)
        writer.field("provider", provider)
        writer.field("tokens_used", tokensUsed)
        writer.field("type", type)
        writer.field("user", user)
        return writer.finishedText()
    }
}
