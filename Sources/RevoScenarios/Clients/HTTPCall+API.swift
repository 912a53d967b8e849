package import HTTPTypes
import RevoCore

/// The API's requests as a client writes them.
extension HTTPCall {
    package static func chat(
        _ content: String,
        maxTokens: Int? = nil,
        conversation: String? = nil,
        useMemory: Bool = false,
        session: String? = nil
    ) -> HTTPCall {
        var body = JSONObjectWriter(capacity: 96 + content.utf8.count)
        body.field("content", content)
        body.field("conversation_id", conversation)
        body.field("max_tokens", maxTokens)
        body.field("session_id", session)
        if useMemory { body.field("use_memory", true) }
        return HTTPCall(.post, "/api/chat", json: body.finishedText())
    }

    package static func credentials(_ path: String, username: String, password: String) -> HTTPCall {
        var body = JSONObjectWriter()
        body.field("password", password)
        body.field("username", username)
        return HTTPCall(.post, path, json: body.finishedText())
    }

    package static func refresh(_ token: String) -> HTTPCall {
        var body = JSONObjectWriter(capacity: 48 + token.utf8.count)
        body.field("refresh_token", token)
        return HTTPCall(.post, "/auth/refresh", json: body.finishedText())
    }

    package static func memoryStore(_ content: String, session: String) -> HTTPCall {
        var body = JSONObjectWriter(capacity: 96 + content.utf8.count)
        body.field("content", content)
        body.field("session_id", session)
        body.field("type", "conversation")
        return HTTPCall(.post, "/api/memory/store", json: body.finishedText())
    }

    package static func memoryQuery(_ query: String) -> HTTPCall {
        var body = JSONObjectWriter(capacity: 32 + query.utf8.count)
        body.field("query", query)
        return HTTPCall(.post, "/api/memory/query", json: body.finishedText())
    }

    package static func engines(taskID: String, description: String, input: String, complexity: String, strategy: String) -> HTTPCall {
        var body = JSONObjectWriter(capacity: 128 + description.utf8.count + input.utf8.count)
        body.field("complexity", complexity)
        body.field("description", description)
        body.field("input", input)
        body.field("strategy", strategy)
        body.field("task_id", taskID)
        return HTTPCall(.post, "/engines/execute", json: body.finishedText())
    }

    /// The same request carrying `token` as its bearer token.
    package func authorized(_ token: String) -> HTTPCall {
        authorized(HTTPField(name: .authorization, value: "Bearer \(token)"))
    }

    /// The same request carrying `bearer`, an `Authorization` field.
    package func authorized(_ bearer: HTTPField) -> HTTPCall {
        var call = self
        call.headers[.authorization] = nil
        call.headers.append(bearer)
        return call
    }
}
