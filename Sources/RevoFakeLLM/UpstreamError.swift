import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RevoCore

/// A refusal in the wire format of the API that was called, with the status and headers a real upstream sends.
struct UpstreamError: HTTPResponseError {
    enum Dialect {
        case openAI
        case anthropic
    }

    var status: HTTPResponse.Status
    var type: String
    var code: String?
    var message: String
    var retryAfter: Duration?
    var dialect: Dialect

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: [String: Any] =
            switch dialect {
            case .openAI: ["error": ["message": message, "type": type, "param": NSNull(), "code": code.map { $0 as Any } ?? NSNull()]]
            case .anthropic: ["type": "error", "error": ["type": type, "message": message]]
            }
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter {
            // Whole seconds, rounded up, as servers send it; OpenAI adds the milliseconds.
            let milliseconds = max(0, retryAfter.nanoseconds / 1_000_000)
            headers[.retryAfter] = String((milliseconds + 999) / 1000)
            if dialect == .openAI, let name = HTTPField.Name("retry-after-ms") { headers[name] = String(milliseconds) }
        }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func invalid(_ message: String, _ dialect: Dialect) -> UpstreamError {
        UpstreamError(status: .badRequest, type: "invalid_request_error", code: nil, message: message, dialect: dialect)
    }

    static func unauthorized(_ dialect: Dialect) -> UpstreamError {
        UpstreamError(
            status: .unauthorized,
            type: dialect == .openAI ? "invalid_request_error" : "authentication_error",
            code: dialect == .openAI ? "invalid_api_key" : nil,
            message: "Incorrect API key provided.",
            dialect: dialect
        )
    }

}

extension UpstreamError {
    /// The fake provider's refusal as this API sends it.
    init(_ error: ProviderError, _ dialect: Dialect) {
        self.dialect = dialect
        self.code = nil
        self.retryAfter = nil
        switch error {
        case .rateLimited(let retryAfter):
            status = .tooManyRequests
            type = dialect == .openAI ? "requests" : "rate_limit_error"
            code = dialect == .openAI ? "rate_limit_exceeded" : nil
            message = "Rate limit reached; retry after the time in Retry-After."
            self.retryAfter = retryAfter
        case .serverError(let status, let message):
            self.status = HTTPResponse.Status(code: status)
            type = dialect == .openAI ? "server_error" : (status == 529 ? "overloaded_error" : "api_error")
            self.message = message
        case .contentPolicy(let detail):
            status = .badRequest
            type = "invalid_request_error"
            code = dialect == .openAI ? "content_policy_violation" : nil
            message = "content policy: \(detail)"
        case .contextTooLong(let limit, let requested):
            status = .badRequest
            type = "invalid_request_error"
            code = dialect == .openAI ? "context_length_exceeded" : nil
            message =
                dialect == .openAI
                ? "This model's maximum context length is \(limit) tokens. However, you requested \(requested) tokens."
                : "prompt is too long: \(requested) tokens > \(limit) maximum"
        case .timeout:
            status = .gatewayTimeout
            type = dialect == .openAI ? "server_error" : "api_error"
            message = "timed out"
        default:
            status = .serviceUnavailable
            type = dialect == .openAI ? "server_error" : "overloaded_error"
            message = "\(error)"
        }
    }
}
