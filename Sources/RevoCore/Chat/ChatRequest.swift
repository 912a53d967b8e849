/// A chat message from a client, in the original API's shape.
public struct ChatRequest: Sendable, Equatable {
    /// Largest accepted message, in UTF-8 bytes.
    public static let maxContentLength = 32 * 1024
    public static let maxTokensRange = 1...8192
    public static let temperatureRange = 0.0...2.0

    public var content: String
    public var systemPrompt: String?
    public var maxTokens: Int
    public var temperature: Double
    /// A provider to try first; must be one the system knows.
    public var provider: String?
    /// Messages are stored under this conversation when given.
    public var conversationID: String?
    /// Recall related memories into the prompt, and remember the exchange.
    public var useMemory: Bool
    public var sessionID: String?
    /// The client's id for this message. A client that resends after a dropped connection sends the same id, and the
    /// stored conversation keeps the message once.
    public var messageID: String?
    /// The account whose memories the chat recalls and under whose scope it remembers the exchange; nil recalls
    /// every memory (callers without accounts).
    public var memoryOwner: String?

    public init(
        content: String,
        systemPrompt: String? = nil,
        maxTokens: Int = 1024,
        temperature: Double = 0.7,
        provider: String? = nil,
        conversationID: String? = nil,
        useMemory: Bool = false,
        sessionID: String? = nil,
        messageID: String? = nil,
        memoryOwner: String? = nil
    ) {
        self.content = content
        self.systemPrompt = systemPrompt
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.provider = provider
        self.conversationID = conversationID
        self.useMemory = useMemory
        self.sessionID = sessionID
        self.messageID = messageID
        self.memoryOwner = memoryOwner
    }

    /// Room for a 128-byte client id behind the server's per-user scope prefix.
    public static let maxIDLength = 192

    /// Checks every field; the first problem found is reported with the field's name and what is allowed.
    public func validate(knownProviders: [ProviderID]) throws(ChatError) {
        if content.isBlank {
            throw .invalid(field: "content", message: "must not be empty")
        }
        if content.codePointCount > Self.maxContentLength {
            throw .invalid(field: "content", message: "must be at most \(Self.maxContentLength) characters, got \(content.codePointCount)")
        }
        if let systemPrompt, systemPrompt.codePointCount > Self.maxContentLength {
            throw .invalid(
                field: "system_prompt",
                message: "must be at most \(Self.maxContentLength) characters, got \(systemPrompt.codePointCount)"
            )
        }
        if !Self.maxTokensRange.contains(maxTokens) {
            throw .invalid(field: "max_tokens", message: "must be between 1 and 8192, got \(maxTokens)")
        }
        if !temperature.isFinite || !Self.temperatureRange.contains(temperature) {
            throw .invalid(field: "temperature", message: "must be between 0 and 2, got \(temperature)")
        }
        if let provider, !knownProviders.contains(ProviderID(provider)) {
            let allowed = knownProviders.map(\.rawValue).joined(separator: ", ")
            throw .invalid(field: "provider", message: "unknown provider '\(provider)'; allowed: \(allowed)")
        }
        if let conversationID, conversationID.isEmpty || conversationID.codePointCount > Self.maxIDLength {
            throw .invalid(field: "conversation_id", message: "must be 1 to \(Self.maxIDLength) characters")
        }
        if let messageID, messageID.isEmpty || messageID.codePointCount > Self.maxIDLength {
            throw .invalid(field: "message_id", message: "must be 1 to \(Self.maxIDLength) characters")
        }
    }
}
