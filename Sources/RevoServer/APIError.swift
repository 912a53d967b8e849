import Foundation
public import Hummingbird
public import RevoCore

/// Every error the API answers, in one JSON shape: `{"error": {"code", "message", "field"?}}`.
///
/// Internals never leak: anything that is not an `APIError` is answered as a plain 500 by the error middleware.
public struct APIError: Error, Sendable, Equatable, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    /// Seconds, for 429 and 503 answers.
    public var retryAfter: Int?
    /// The `WWW-Authenticate` challenge of a 401.
    public var challenge: String?

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
        return fields
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body = #"{"error":{"code":"# + Self.quote(code) + #","message":"# + Self.quote(message)
        if let field { body += #","field":"# + Self.quote(field) }
        body += "}}"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension APIError {
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
