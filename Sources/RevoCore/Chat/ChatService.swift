public import RevoRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The chat application layer the HTTP server, the WebSocket handler and the scenario runner all call.
///
/// A reply needs only a model: memory, conversation history, the reply cache and persistence each add to it when
/// they work and are skipped (with the reply saying so) when they do not.
public final class ChatService: Sendable {
    public struct Settings: Sendable, Equatable {
        /// How long an identical stateless request is answered from the cache (the hardened original's 300 s); nil
        /// turns the reply cache off.
        public var replyCacheTTL: Duration?
        /// How long an answer is kept to stand in when every provider fails (the original's 1 h).
        public var staleReplyTTL: Duration
        /// Whether such an answer stands in at all; off, a request every provider fails is refused.
        public var servesStaleReplies: Bool
        public var memoryRecallLimit: Int
        public var historyLimit: Int

        public init(
            replyCacheTTL: Duration? = .seconds(300),
            staleReplyTTL: Duration = .seconds(3600),
            servesStaleReplies: Bool = true,
            memoryRecallLimit: Int = 3,
            historyLimit: Int = 10
        ) {
            self.replyCacheTTL = replyCacheTTL
            self.staleReplyTTL = staleReplyTTL
            self.servesStaleReplies = servesStaleReplies
            self.memoryRecallLimit = memoryRecallLimit
            self.historyLimit = historyLimit
        }
    }

    /// One entry per answer, kept for ``Settings/staleReplyTTL``: it answers as a fresh hit while younger than
    /// ``Settings/replyCacheTTL`` and stands in, marked stale, when every provider fails. One write per chat rather
    /// than a fresh and a stale copy: half the cache writes (a Redis round trip each) and twice the answers kept.
    struct CachedReply: Codable {
        var content: String
        var provider: ProviderID
        var providerKind: ProviderKind
        /// When it was answered, in nanoseconds of the injected clock.
        var storedAt: Int64
        var tokensUsed: Int

        /// What `JSONEncoder` with sorted keys writes, by hand, without the encoder's cost on every answer.
        var json: String {
            // Room for the keys, the two integers at their longest and the strings, so it never grows.
            var writer = JSONObjectWriter(capacity: 112 + content.utf8.count + provider.rawValue.utf8.count + providerKind.rawValue.utf8.count)
            writer.field("content", content)
            writer.field("provider", provider.rawValue)
            writer.field("providerKind", providerKind.rawValue)
            writer.field("storedAt", Int(storedAt))
            writer.field("tokensUsed", tokensUsed)
            return writer.finishedText()
        }

        func isFresh(at now: Duration, ttl: Duration) -> Bool {
            now < .nanoseconds(storedAt) + ttl
        }
    }

    public let models: ModelManager
    public let settings: Settings
    private let recall: PerfectRecallEngine?
    private let conversations: any ConversationStore
    private let conversationGuard: DependencyGuard
    private let cache: GuardedCache?
    private let ids: IDSource
    private let clock: SystemClock

    public init(
        models: ModelManager,
        recall: PerfectRecallEngine?,
        conversations: any ConversationStore,
        conversationGuard: DependencyGuard,
        cache: GuardedCache?,
        ids: IDSource,
        clock: SystemClock,
        settings: Settings = Settings()
    ) {
        self.models = models
        self.recall = recall
        self.conversations = conversations
        self.conversationGuard = conversationGuard
        self.cache = cache
        self.ids = ids
        self.clock = clock
        self.settings = settings
    }

    /// Answers `request` in one piece.
    public func chat(_ request: ChatRequest) async throws(ChatError) -> ChatReply {
        try await respond(request, sink: nil)
    }

    /// Answers `request`, handing tokens to `onToken` as they come. A broken stream ends with
    /// ``ChatError/interrupted(_:)`` carrying exactly what was delivered.
    public func streamChat(_ request: ChatRequest, onToken: @escaping @Sendable (String) async throws -> Void) async throws(ChatError) -> ChatReply {
        try await respond(request, sink: onToken)
    }

    private func respond(_ request: ChatRequest, sink: (@Sendable (String) async throws -> Void)?) async throws(ChatError) -> ChatReply {
        try request.validate(knownProviders: models.registeredProviders)
        let requestID = ids.next("req")
        let start = clock.now
        // Only stateless requests are cached: with memory or history the same words can mean another answer.
        let cacheKey = request.useMemory || request.conversationID != nil ? nil : Self.cacheKey(request)

        // Read once: fresh, it answers; older, it is kept to stand in if every provider fails.
        var earlier: CachedReply?
        if sink == nil, let cacheKey, let ttl = settings.replyCacheTTL, let cached = await cachedReply(cacheKey) {
            if cached.isFresh(at: start, ttl: ttl) {
                return reply(from: cached, requestID: requestID, start: start, stale: false)
            }
            earlier = cached
        }

        let memories = await recalledMemories(for: request)
        let history = await recentHistory(of: request.conversationID)
        let generation = GenerationRequest(
            prompt: Self.prompt(request.content, history: history, memories: memories),
            systemPrompt: request.systemPrompt,
            maxTokens: request.maxTokens,
            temperature: request.temperature,
            requestID: requestID,
            preferredProvider: request.provider.map { ProviderID($0) },
            deadline: start + models.policy.requestDeadline
        )
        let response: ModelResponse
        do throws(ModelManagerError) {
            response = try await generate(generation, sink: sink)
        } catch {
            if case .noModelAvailable = error, sink == nil, settings.servesStaleReplies, let cacheKey {
                if earlier == nil { earlier = await cachedReply(cacheKey) }
                if let earlier { return reply(from: earlier, requestID: requestID, start: start, stale: true) }
            }
            throw ChatError(error)
        }

        let persisted = await persist(request, response: response, requestID: requestID)
        let durability = await remember(request, response: response, requestID: requestID)
        if let cacheKey { await cacheReply(response, under: cacheKey) }
        return ChatReply(
            requestID: requestID,
            content: response.text,
            provider: response.provider,
            providerKind: response.providerKind,
            tokensUsed: response.usage.totalTokens,
            costUSD: response.costUSD,
            generationTime: response.latency,
            timeToFirstToken: response.timeToFirstToken,
            trace: response.trace,
            memoriesUsed: memories.count,
            historyMessages: history.count,
            memoryDurability: durability,
            conversationPersisted: persisted,
            fromCache: false,
            stale: false
        )
    }

    /// Memories relevant to the message, when it asks for them; none when recall fails.
    private func recalledMemories(for request: ChatRequest) async -> [ScoredMemory] {
        guard request.useMemory, let recall else { return [] }
        let filter = MemoryFilter(sessionID: request.sessionID, owner: request.memoryOwner)
        return (try? await recall.recall(request.content, filter: filter, limit: settings.memoryRecallLimit))?.memories ?? []
    }

    /// The conversation's recent messages; none when it has no id or the store cannot answer.
    private func recentHistory(of conversationID: String?) async -> [StoredMessage] {
        guard let conversationID else { return [] }
        let conversations = self.conversations
        let limit = settings.historyLimit
        // A copy this process holds needs no guard: nothing to wait for, nothing to time out.
        if let kept = conversations.keptMessages(conversationID: conversationID, limit: limit) { return kept }
        return await conversationGuard.call { try await conversations.messages(conversationID: conversationID, limit: limit) } ?? []
    }

    private func generate(
        _ generation: GenerationRequest,
        sink: (@Sendable (String) async throws -> Void)?
    ) async throws(ModelManagerError) -> ModelResponse {
        if let sink { return try await models.stream(generation, onToken: sink) }
        return try await models.generate(generation)
    }

    /// Appends the message and its answer to the conversation; whether the store took them.
    private func persist(_ request: ChatRequest, response: ModelResponse, requestID: String) async -> Bool {
        guard let conversationID = request.conversationID else { return false }
        let now = clock.now
        // The client's message id makes a resent message an update, not a duplicate.
        let ids = Self.messageIDs(conversationID: conversationID, clientMessageID: request.messageID, at: now, requestID: requestID)
        let messages = [
            StoredMessage(id: ids.user, conversationID: conversationID, role: .user, content: request.content, createdAt: now),
            StoredMessage(
                id: ids.assistant,
                conversationID: conversationID,
                role: .assistant,
                content: response.text,
                provider: response.provider.rawValue,
                createdAt: now
            ),
        ]
        let conversations = self.conversations
        let stored: Bool? = await conversationGuard.call {
            try await conversations.append(contentsOf: messages)
            return true
        }
        return stored == true
    }

    /// Stores the exchange as a memory when the message uses memory; how durable the write was.
    private func remember(_ request: ChatRequest, response: ModelResponse, requestID: String) async -> MemoryManager.Durability? {
        guard request.useMemory, let recall else { return nil }
        return try? await recall.store(
            content: "Q: \(request.content)\nA: \(response.text)",
            type: "conversation",
            sessionID: request.sessionID ?? request.memoryOwner.map(MemoryFilter.ownScope(of:)),
            metadata: ["provider": response.provider.rawValue, "request": requestID],
            indexedBy: request.content
        ).durability
    }

    /// Keeps the answer for the same stateless request: fresh for the reply cache's TTL, stale for longer.
    private func cacheReply(_ response: ModelResponse, under key: String) async {
        guard let cache else { return }
        let value = CachedReply(
            content: response.text,
            provider: response.provider,
            providerKind: response.providerKind,
            storedAt: clock.now.nanoseconds,
            tokensUsed: response.usage.totalTokens
        ).json
        await cache.set(key, value: value, ttl: max(settings.staleReplyTTL, settings.replyCacheTTL ?? .zero))
    }

    private func cachedReply(_ key: String) async -> CachedReply? {
        guard let cache, let text = await cache.get(key) else { return nil }
        return try? Self.decoder.decode(CachedReply.self, from: Data(text.utf8))
    }

    private func reply(from cached: CachedReply, requestID: String, start: Duration, stale: Bool) -> ChatReply {
        ChatReply(
            requestID: requestID,
            content: cached.content,
            provider: cached.provider,
            providerKind: cached.providerKind,
            tokensUsed: cached.tokensUsed,
            costUSD: 0,
            generationTime: clock.now - start,
            timeToFirstToken: nil,
            trace: DecisionTrace(),
            memoriesUsed: 0,
            memoryDurability: nil,
            conversationPersisted: false,
            fromCache: !stale,
            stale: stale
        )
    }

    /// The prompt: recent history, then relevant memories, then the message, each part after a blank line. Written
    /// into one string's storage, not a string per message joined afterwards.
    static func prompt(_ content: String, history: [StoredMessage], memories: [ScoredMemory]) -> String {
        let capacity =
            content.utf8.count + history.reduce(40) { $0 + $1.content.utf8.count + 12 } + memories.reduce(40) { $0 + $1.entry.content.utf8.count + 3 }
        return UTF8Writer.string(capacity: capacity) { prompt in
            if !history.isEmpty {
                prompt.append("Conversation so far:")
                for message in history {
                    prompt.append(byte: UInt8(ascii: "\n"))
                    prompt.append(message.role.rawValue)
                    prompt.append(": ")
                    prompt.append(message.content)
                }
                prompt.append("\n\n")
            }
            if !memories.isEmpty {
                prompt.append("Relevant memories:")
                for memory in memories {
                    prompt.append("\n- ")
                    prompt.append(memory.entry.content)
                }
                prompt.append("\n\n")
            }
            prompt.append(content)
        }
    }

    /// The ids of an exchange's two stored messages, its key and `.user` or `.assistant`, each written in one string.
    /// The key is the client's `conversation/message` when it gave a message id; else the service mints one: the time
    /// first, in sixteen hex digits, so ids sort as they are written and a database's index of them grows at its end
    /// (random ids put each insert on a random page: the writes of a persisted chat grew with the table), then the
    /// request id, which is new at every request.
    static func messageIDs(
        conversationID: String,
        clientMessageID: String?,
        at time: Duration,
        requestID: String
    ) -> (user: String, assistant: String) {
        let keyLength = clientMessageID.map { conversationID.utf8.count + 1 + $0.utf8.count } ?? 17 + requestID.utf8.count
        func id(_ suffix: String) -> String {
            UTF8Writer.string(capacity: keyLength + suffix.utf8.count) { id in
                if let clientMessageID {
                    id.append(conversationID)
                    id.append(byte: UInt8(ascii: "/"))
                    id.append(clientMessageID)
                } else {
                    id.append(hex: UInt64(clamping: max(0, time.nanoseconds)))
                    id.append(byte: UInt8(ascii: "-"))
                    id.append(requestID)
                }
                id.append(suffix)
            }
        }
        return (id(".user"), id(".assistant"))
    }

    /// True for a stored message id this service minted (``messageIDs(conversationID:clientMessageID:at:requestID:)``:
    /// its request id is new every time, the ids' seed being fresh at each start), so it never names an older message;
    /// false for one keyed by the client's message id, `conversation/message`, which a resend repeats on purpose.
    public static func isMinted(messageID: String) -> Bool {
        // Bytes, not characters: `String.contains` walks grapheme clusters.
        !messageID.utf8.contains(UInt8(ascii: "/"))
    }

    /// True for a client-keyed message id of `conversationID` (`conversation/message`): under this service's keys no
    /// other conversation can hold a message with that id.
    public static func isScoped(messageID: String, to conversationID: String) -> Bool {
        messageID.lies(inScope: conversationID)
    }

    /// `rc:` and the request's stable hash: fourteen bytes, kept inside the string, so an answer's key costs the
    /// cache no allocation and its table no pointer to follow.
    static func cacheKey(_ request: ChatRequest) -> String {
        var hash = StableHash()
        hash.combine(request.content)
        hash.combine(request.systemPrompt ?? "\u{0}")
        hash.combine(UInt64(request.maxTokens))
        hash.combine(request.temperature.bitPattern)
        hash.combine(request.provider ?? "\u{0}")
        return hash.value.fixedWidthBase64(after: "rc:")
    }

    private static let decoder = JSONDecoder()
}
