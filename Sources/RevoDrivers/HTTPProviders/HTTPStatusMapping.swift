public import Foundation
public import RevoCore

/// An upstream's HTTP refusal as the routing logic's ``ProviderError``.
public enum HTTPStatusMapping {
    /// `retryAfter`: the `retry-after-ms` or `retry-after` header, already read; `body`: the error's JSON, if any.
    public static func error(status: Int, body: String, retryAfter: Duration?, request: GenerationRequest, contextWindow: Int) -> ProviderError {
        let message = Self.message(body) ?? "HTTP \(status)"
        switch status {
        case 401, 403: return .authentication(message)
        case 429: return .rateLimited(retryAfter: retryAfter)
        case 408: return .timeout
        case 400, 404, 413, 422:
            let lowered = (body + " " + message).lowercased()
            if contextPhrases.contains(where: lowered.contains) {
                return .contextTooLong(limit: contextWindow, requested: request.requiredContext)
            }
            if lowered.contains("content_policy") || lowered.contains("content_filter") || lowered.contains("content policy") {
                return .contentPolicy(message)
            }
            return .invalidRequest(message)
        case 500...599: return .serverError(status: status, message: message)
        default: return .serverError(status: status, message: "unexpected HTTP \(status): \(message)")
        }
    }

    /// How providers word a refusal for a prompt longer than the model's window (OpenAI, Anthropic, vLLM, Bedrock,
    /// Gemini, llama.cpp, Mistral, Groq): not every one sends a code.
    static let contextPhrases = [
        "context_length_exceeded", "context length", "prompt is too long", "input is too long", "maximum number of tokens",
        "context size", "context window", "reduce the length of the messages",
    ]

    /// `retry-after-ms` (OpenAI) wins over `retry-after`, which is seconds or an HTTP date.
    public static func retryAfter(milliseconds: String?, value: String?, now: Date = Date()) -> Duration? {
        if let milliseconds, let number = Double(milliseconds), number >= 0 { return .milliseconds(Int64(number)) }
        guard let value = value?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }

    /// The `message` of either API's error JSON.
    static func message(_ body: String) -> String? {
        guard let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] else {
            return body.isEmpty ? nil : String(body.prefix(200))
        }
        return (json["error"] as? [String: Any])?["message"] as? String ?? json["message"] as? String
    }
}
