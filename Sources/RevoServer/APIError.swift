import Foundation
public import Hummingbird
import Logging
public import RevoCore

/// Every error the API answers, in one JSON shape: `{"error": {"code", "message", "field"?}}`.
///
/// Internals never leak: anything that is not an `APIError` is answered as a plain 500 (``init(mapping:for:logger:)``).
public struct APIError: Error, Sendable, Equatable, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    /// Seconds, for 429 and 503 answers.
    public var retryAfter: Int?
    /// The `WWW-Authenticate` challenge of a 401.
    public var challenge: String?
    /// The methods a path answers, for a 405's `Allow`.
    public var allow: [String]?

    public init(status: HTTPResponse.Status, code: String, message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    public var headers: HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter { fields[.retryAfter] = String(retryAfter) }
        if let challenge { fields[.wwwAuthenticate] = challenge }
        if let allow { fields[.allow] = allow.joined(separator: ", ") }
        return fields
    }

    public func response() -> Response {
        // Slashes as they are: messages name paths and origins, which people and probes read as text.
        var writer = JSONObjectWriter(capacity: 64 + message.utf8.count, escapesSlashes: false)
        writer.field("error") { error in
            error.field("code", code)
            error.field("field", field)
            error.field("message", message)
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: writer.finished())))
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }
}

extension APIError {
    /// What the API answers for any error a route threw: an `APIError` as it is, Hummingbird's HTTP errors in the one
    /// shape (a 404 naming the route most likely meant), and anything else as a plain 500, logged and never leaked.
    init(mapping error: any Error, for request: Request, logger: Logger) {
        switch error {
        case let error as APIError:
            self = error
        case let error as HTTPError:
            let code: String =
                switch error.status {
                case .notFound: "not_found"
                case .methodNotAllowed: "method_not_allowed"
                case .contentTooLarge: "body_too_large"
                default: "http_\(error.status.code)"
                }
            var message = error.body ?? error.status.reasonPhrase
            // A known path asked with another method: 405 naming the methods it answers.
            let methods = error.status == .notFound ? RouteSuggestion.methods(for: request.uri.path) : []
            if !methods.isEmpty, !methods.contains(request.method.rawValue) {
                self.init(
                    status: .methodNotAllowed,
                    code: "method_not_allowed",
                    message: "\(request.method) is not allowed on \(request.uri.path); allowed: \(methods.joined(separator: ", "))"
                )
                allow = methods
                return
            }
            if error.status == .notFound {
                let path = request.uri.path
                message = "no route \(request.method) \(path)"
                if let suggestion = RouteSuggestion.suggest(for: path) {
                    let websocket = request.headers[.upgrade]?.lowercased() == "websocket"
                    message += websocket && suggestion.hasPrefix("/ws") ? "; the WebSocket is at \(suggestion)" : "; did you mean \(suggestion)?"
                }
            }
            self.init(status: error.status, code: code, message: message)
        default:
            logger.error("unhandled error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            self.init(status: .internalServerError, code: "internal", message: "internal error")
        }
    }

    /// The HTTP answer for a failed chat or application operation.
    public init(_ error: ChatError) {
        switch error {
        case .invalid(let field, let message):
            self.init(status: .unprocessableContent, code: "invalid_field", message: "\(field): \(message)", field: field)
        case .unavailable(let cause):
            self.init(status: .serviceUnavailable, code: "no_model_available", message: "\(cause)", retryAfter: 5)
        case .dependencyUnavailable(let service, let reason):
            self.init(status: .serviceUnavailable, code: "\(service)_unavailable", message: reason, retryAfter: 5)
        case .rejected(let message):
            self.init(status: .unprocessableContent, code: "content_rejected", message: message)
        case .interrupted(let interruption):
            self.init(status: .badGateway, code: "stream_interrupted", message: "\(interruption.error)")
        case .cancelled:
            self.init(status: .serviceUnavailable, code: "cancelled", message: "the request was cancelled")
        }
    }
}
