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
    /// How Retry-After is written (``FakeLLMSettings/retryAfterFormats``).
    var retryAfterFormat = "seconds"

    /// How real providers word a context-length refusal; 0 is the called API's own. The others carry no error code,
    /// so a client must recognise the words.
    static let contextWordings: [@Sendable (Dialect, Int, Int) -> String] = [
        { dialect, limit, requested in
            dialect == .openAI
                ? "This model's maximum context length is \(limit) tokens. However, you requested \(requested) tokens."
                : "prompt is too long: \(requested) tokens > \(limit) maximum"
        },
        { _, _, _ in "Input is too long for requested model." },  // Amazon Bedrock
        { _, limit, requested in "The input token count (\(requested)) exceeds the maximum number of tokens allowed (\(limit))." },  // Gemini
        { _, _, _ in "the request exceeds the available context size, try increasing it" },  // llama.cpp server
        { _, limit, requested in "Prompt contains \(requested) tokens, too large for model with \(limit) maximum context length" },  // Mistral
        { _, _, _ in "Please reduce the length of the messages or completion." },  // Groq, Azure
    ]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: [String: Any] =
            switch dialect {
            case .openAI: ["error": ["message": message, "type": type, "param": NSNull(), "code": code.map { $0 as Any } ?? NSNull()]]
            case .anthropic: ["type": "error", "error": ["type": type, "message": message]]
            }
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { write(retryAfter, into: &headers) }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Whole seconds rounded up, as servers send it (OpenAI adds the milliseconds); the milliseconds alone; or the
    /// moment as an HTTP date.
    private func write(_ retryAfter: Duration, into headers: inout HTTPFields) {
        let milliseconds = max(0, retryAfter.nanoseconds / 1_000_000)
        let seconds = (milliseconds + 999) / 1000
        let millisecondsName = HTTPField.Name("retry-after-ms")!
        switch retryAfterFormat {
        case "milliseconds":
            headers[millisecondsName] = String(milliseconds)
        case "http_date":
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            headers[.retryAfter] = formatter.string(from: Date().addingTimeInterval(Double(seconds + 1)))
        default:
            headers[.retryAfter] = String(seconds)
            if dialect == .openAI { headers[millisecondsName] = String(milliseconds) }
        }
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
    init(_ error: ProviderError, _ dialect: Dialect, settings: FakeLLMSettings = FakeLLMSettings()) {
        self.dialect = dialect
        self.retryAfterFormat = settings.retryAfterFormat
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
            let wording = settings.contextErrorWording
            code = dialect == .openAI && wording == 0 ? "context_length_exceeded" : nil
            message = Self.contextWordings[wording](dialect, limit, requested)
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
