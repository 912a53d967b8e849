import HTTPTypes

/// What a client gets wrong: each kind is a request the API must refuse with a 4xx and its error shape, never a 5xx.
public enum BadInput: String, Sendable, Equatable, CaseIterable {
    case malformedJSON = "malformed_json"
    case wrongType = "wrong_type"
    case unknownField = "unknown_field"
    case missingField = "missing_field"
    case badValue = "bad_value"
    case emptyBody = "empty_body"
    case oversizeBody = "oversize_body"
    case missingToken = "missing_token"
    case expiredToken = "expired_token"
    case tamperedToken = "tampered_token"
    case unsignedToken = "unsigned_token"
    case refreshAsAccess = "refresh_as_access"
    case wrongPath = "wrong_path"
    case wrongMethod = "wrong_method"
    case wrongPassword = "wrong_password"

    /// The operation whose route the request aims at (its metrics' `route`).
    var operation: Workload.Operation {
        switch self {
        case .wrongPassword: .login
        default: .chat
        }
    }

    /// Tokens of the user sending it, and a token of theirs that expired.
    struct Credentials: Sendable {
        var access: String
        var refresh: String
        var expired: String
        var username: String
    }

    /// A well-formed chat body past the server's 64 KiB limit.
    static let oversize = Array(#"{"content": ""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 70 * 1024) + Array(#""}"#.utf8)

    /// The request, as bytes a client would send.
    func call(_ credentials: Credentials, prompt: String) -> HTTPCall {
        let chat = HTTPCall.chat(prompt)
        func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
        switch self {
        case .malformedJSON: return HTTPCall(.post, "/api/chat", headers: bearer(credentials.access), json: #"{"content": "\#(prompt)","#)
        case .wrongType: return HTTPCall(.post, "/api/chat", headers: bearer(credentials.access), json: #"{"content": 42}"#)
        case .unknownField:
            return HTTPCall(.post, "/api/chat", headers: bearer(credentials.access), json: #"{"content": "hi", "max_token": 16}"#)
        case .missingField: return HTTPCall(.post, "/api/chat", headers: bearer(credentials.access), json: #"{"max_tokens": 16}"#)
        case .badValue: return HTTPCall(.post, "/api/chat", headers: bearer(credentials.access), json: #"{"content": "hi", "max_tokens": -3}"#)
        case .emptyBody: return HTTPCall(.post, "/api/chat", headers: bearer(credentials.access), json: "")
        case .oversizeBody:
            var call = HTTPCall(.post, "/api/chat", headers: bearer(credentials.access), body: Self.oversize)
            call.headers[.contentType] = "application/json"
            return call
        case .missingToken: return chat
        case .expiredToken: return chat.authorized(credentials.expired)
        case .tamperedToken: return chat.authorized(ForgedTokens.tampered(credentials.access))
        case .unsignedToken: return chat.authorized(ForgedTokens.unsigned(credentials.access))
        case .refreshAsAccess: return chat.authorized(credentials.refresh)
        case .wrongPath: return HTTPCall(.post, "/chat", headers: bearer(credentials.access), json: #"{"content": "hi"}"#)
        case .wrongMethod: return HTTPCall(.get, "/api/chat", headers: bearer(credentials.access))
        case .wrongPassword:
            return HTTPCall(.post, "/auth/login", json: #"{"username": "\#(credentials.username)", "password": "not the password"}"#)
        }
    }
}
