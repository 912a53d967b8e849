import RevoCore

/// One message of a chat request, as both APIs send it: `content` is a string or a list of parts (text parts count).
struct ChatMessage: Decodable, Sendable {
    var role: String
    var content: String

    enum CodingKeys: String, CodingKey {
        case role, content
    }

    struct Part: Decodable {
        var type: String
        var text: String?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(String.self, forKey: .role)
        if let text = try? container.decode(String.self, forKey: .content) {
            content = text
        } else {
            content = try container.decode([Part].self, forKey: .content).compactMap(\.text).joined(separator: "\n")
        }
    }
}

extension GenerationRequest {
    /// The prompt the fake answers: the conversation's non-system messages; system messages (and Anthropic's
    /// `system`) become the system prompt.
    init(messages: [ChatMessage], system: String?, maxTokens: Int, temperature: Double?, requestID: String) {
        let systemText = ([system].compactMap { $0 } + messages.filter { $0.role == "system" || $0.role == "developer" }.map(\.content))
            .joined(separator: "\n")
        self.init(
            prompt: messages.filter { $0.role != "system" && $0.role != "developer" }.map(\.content).joined(separator: "\n"),
            systemPrompt: systemText.isEmpty ? nil : systemText,
            maxTokens: maxTokens,
            temperature: temperature ?? 0.7,
            requestID: requestID
        )
    }
}
