/// One request to a model.
public struct GenerationRequest: Sendable, Equatable {
    public var prompt: String
    public var systemPrompt: String?
    public var maxTokens: Int
    public var temperature: Double
    /// Identifies the request in traces, logs and fakes' deterministic output.
    public var requestID: String
    /// Tried first when it is in the chain; the rest of the chain still backs it up.
    public var preferredProvider: ProviderID?
    /// An absolute deadline (clock time) set by the caller, so work done before generation counts against the same
    /// budget; the manager uses the earlier of this and its own request deadline.
    public var deadline: Duration?

    public init(
        prompt: String,
        systemPrompt: String? = nil,
        maxTokens: Int = 1024,
        temperature: Double = 0.7,
        requestID: String = "",
        preferredProvider: ProviderID? = nil,
        deadline: Duration? = nil
    ) {
        self.prompt = prompt
        self.systemPrompt = systemPrompt
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.requestID = requestID
        self.preferredProvider = preferredProvider
        self.deadline = deadline
    }

    /// Prompt tokens estimated at four characters a token, as providers' own rough counters do.
    public var estimatedPromptTokens: Int {
        let characters = prompt.utf8.count + (systemPrompt?.utf8.count ?? 0)
        return max(1, (characters + 3) / 4)
    }

    /// Prompt plus the largest completion asked for: what must fit the context window.
    public var requiredContext: Int {
        estimatedPromptTokens + maxTokens
    }
}

/// Tokens consumed by one generation.
public struct TokenUsage: Sendable, Equatable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int

    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    public static let zero = TokenUsage(promptTokens: 0, completionTokens: 0)

    public var totalTokens: Int { promptTokens + completionTokens }
}

/// A provider's answer in one piece, for a caller that does not stream.
public struct Completion: Sendable, Equatable {
    public var text: String
    public var usage: TokenUsage

    public init(text: String, usage: TokenUsage) {
        self.text = text
        self.usage = usage
    }
}

/// One piece of a provider's streamed answer.
public enum GenerationChunk: Sendable, Equatable {
    case token(String)
    /// The last chunk: the answer is complete.
    case finished(TokenUsage)
}
