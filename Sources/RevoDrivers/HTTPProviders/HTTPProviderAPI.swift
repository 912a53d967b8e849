import Foundation
import NIOCore
import RevoCore

/// The wire format a remote model speaks: OpenAI's chat completions (also llama.cpp, vLLM, Ollama) or Anthropic's
/// messages; both stream over SSE.
public enum HTTPProviderAPI: String, Sendable, CaseIterable {
    case openAI = "openai"
    case anthropic

    /// The request body for a streamed generation.
    func body(_ request: GenerationRequest, model: String) -> ByteBuffer {
        var object: [String: Any] = ["model": model, "max_tokens": request.maxTokens, "temperature": request.temperature, "stream": true]
        switch self {
        case .openAI:
            var messages: [[String: String]] = []
            if let system = request.systemPrompt { messages.append(["role": "system", "content": system]) }
            messages.append(["role": "user", "content": request.prompt])
            object["messages"] = messages
            object["stream_options"] = ["include_usage": true]
        case .anthropic:
            if let system = request.systemPrompt { object["system"] = system }
            object["messages"] = [["role": "user", "content": request.prompt]]
        }
        return ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: object)) ?? Data())
    }

    var path: String {
        switch self {
        case .openAI: "/chat/completions"
        case .anthropic: "/v1/messages"
        }
    }

    /// What one event of the stream says.
    enum Event: Equatable {
        case text(String)
        case usage(prompt: Int?, completion: Int?)
        case done
        case failed(String)
        case ignored
    }

    func decode(_ event: ServerSentEventParser.Event) -> [Event] {
        if self == .openAI, event.data == "[DONE]" { return [.done] }
        // An event that is not JSON lost whatever it carried: the stream can no longer be trusted.
        guard let json = (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any] else {
            return [.failed("malformed event: \(event.data.prefix(80))")]
        }
        switch self {
        case .openAI:
            var events: [Event] = []
            if let error = json["error"] as? [String: Any] { return [.failed(error["message"] as? String ?? "error event")] }
            for choice in json["choices"] as? [[String: Any]] ?? [] {
                if let text = (choice["delta"] as? [String: Any])?["content"] as? String, !text.isEmpty { events.append(.text(text)) }
            }
            if let usage = json["usage"] as? [String: Any] {
                events.append(.usage(prompt: usage["prompt_tokens"] as? Int, completion: usage["completion_tokens"] as? Int))
            }
            return events
        case .anthropic:
            switch json["type"] as? String {
            case "content_block_delta":
                return ((json["delta"] as? [String: Any])?["text"] as? String).map { [.text($0)] } ?? [.ignored]
            case "message_start":
                let usage = (json["message"] as? [String: Any])?["usage"] as? [String: Any]
                return [.usage(prompt: usage?["input_tokens"] as? Int, completion: nil)]
            case "message_delta":
                return [.usage(prompt: nil, completion: (json["usage"] as? [String: Any])?["output_tokens"] as? Int)]
            case "message_stop": return [.done]
            case "error": return [.failed(((json["error"] as? [String: Any])?["message"] as? String) ?? "error event")]
            default: return [.ignored]
            }
        }
    }
}
