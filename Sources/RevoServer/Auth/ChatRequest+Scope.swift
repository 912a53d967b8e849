import RevoCore

extension ChatRequest {
    /// The longest id a client may send; the scope prefix fits in the rest of ``ChatRequest/maxIDLength``.
    static let clientIDLength = 128

    /// The request with its conversation, session and message ids made private to the caller: two users who pick
    /// the same `conversation_id` or `message_id` never see each other's history or replies.
    func scoped(to identity: TokenService.Identity?) throws(ChatError) -> ChatRequest {
        var scoped = self
        scoped.conversationID = try conversationID.map { id throws(ChatError) in try Self.scope(id, field: "conversation_id", to: identity) }
        scoped.sessionID = try sessionID.map { id throws(ChatError) in try Self.scope(id, field: "session_id", to: identity) }
        scoped.messageID = try messageID.map { id throws(ChatError) in try Self.scope(id, field: "message_id", to: identity) }
        scoped.memoryOwner = identity?.userID
        return scoped
    }

    static func scope(_ id: String, field: String, to identity: TokenService.Identity?) throws(ChatError) -> String {
        guard !id.isEmpty, id.codePointCount <= clientIDLength else {
            throw .invalid(field: field, message: "must be 1 to \(clientIDLength) characters")
        }
        guard let identity else { return id }
        return identity.userID + "/" + id
    }
}
