/// The answer to a ``ChatRequest``, with everything a client or a scenario check needs to see why.
public struct ChatReply: Sendable, Equatable {
    public var requestID: String
    public var content: String
    public var provider: ProviderID
    public var providerKind: ProviderKind
    public var tokensUsed: Int
    public var costUSD: Double
    public var generationTime: Duration
    public var timeToFirstToken: Duration?
    public var trace: DecisionTrace
    /// Memories recalled into the prompt.
    public var memoriesUsed: Int
    /// Earlier messages of the conversation the prompt carried.
    public var historyMessages = 0
    /// Where the remembered exchange is durable (nil when memory was not asked for or the write failed).
    public var memoryDurability: MemoryManager.Durability?
    /// Whether the conversation store took the messages.
    public var conversationPersisted: Bool
    /// Served from the reply cache.
    public var fromCache: Bool
    /// Every provider failed and this is an earlier answer to the same question (the original's fallback to a
    /// cached reply).
    public var stale: Bool
}
