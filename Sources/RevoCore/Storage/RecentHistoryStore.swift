public import RevoRuntime
import Synchronization

/// A conversation store with the recent messages of recent conversations kept in process: a chat that continues a
/// conversation reads its history from memory instead of the database, and every append keeps the copy current after
/// the store has committed it. For a store this process alone writes (the embedded SQLite file); with a database that
/// other servers write too, a copy here could be stale, so it must not be used there.
///
/// Reading history from SQLite is the largest part of a persisted chat's cost.
/// Whatever this copy cannot vouch for is read from the store: a conversation not kept, a longer history than kept,
/// a message whose client-given id may name an older message outside the copy (an upsert there changes nothing
/// here), appends to one conversation that overlap (their order is the store's), and any append that failed or was
/// cancelled (it may have committed).
public final class RecentHistoryStore: ConversationStore {
    struct Kept {
        /// The newest messages, oldest first.
        var messages: [StoredMessage]
        /// True when `messages` is the whole conversation, so a longer read can still be answered.
        var whole: Bool
        var bytes: Int
        /// When it was last used, for least-recently-used eviction.
        var tick: UInt64
    }

    struct State {
        var kept: [String: Kept] = [:]
        var recency = RecencyQueue<String>()
        var bytes = 0
        /// Appends under way per conversation.
        var appending: [String: Int] = [:]
        /// Reads of the store under way per conversation, and whether an append ended during them: what they read
        /// may then be old, and is not kept.
        var reading: [String: (count: Int, spoiled: Bool)] = [:]
        var hits = 0
        var misses = 0
    }

    public let inner: any ConversationStore
    /// Messages kept per conversation: reads of up to this many can be answered from memory.
    public let messagesPerConversation: Int
    /// Bytes kept in all, at most: text plus a fixed overhead per message and per conversation, so many small or
    /// empty conversations are bounded as well as a few long ones.
    public let byteBudget: Int
    /// True for an id that names a new message, never an older one (``ChatService/isMinted(messageID:)``).
    private let isMinted: @Sendable (String) -> Bool
    /// True for an id that only this conversation can hold (``ChatService/isScoped(messageID:to:)``); any other id
    /// may name a message of another conversation, which the store's upsert updates there.
    private let isScoped: @Sendable (_ messageID: String, _ conversationID: String) -> Bool
    private let state = Mutex(State())

    public var name: String { inner.name }
    /// Only the store underneath waits.
    public var waits: Waits { inner.waits }

    public init(
        _ inner: any ConversationStore,
        messagesPerConversation: Int = 32,
        byteBudget: Int = 16 << 20,
        isMinted: @escaping @Sendable (String) -> Bool = ChatService.isMinted(messageID:),
        isScoped: @escaping @Sendable (String, String) -> Bool = ChatService.isScoped(messageID:to:)
    ) {
        precondition(messagesPerConversation > 0 && byteBudget > 0, "a history cache keeps at least one message")
        self.inner = inner
        self.messagesPerConversation = messagesPerConversation
        self.byteBudget = byteBudget
        self.isMinted = isMinted
        self.isScoped = isScoped
    }

    public func ping() async throws(StoreError) {
        try await inner.ping()
    }

    public func append(_ message: StoredMessage) async throws(StoreError) {
        try await append(contentsOf: [message])
    }

    public func append(contentsOf messages: [StoredMessage]) async throws(StoreError) {
        // Every chat appends to one conversation: its id alone, without a list of them.
        if let only = messages.first?.conversationID, messages.allSatisfy({ $0.conversationID == only }) {
            try await append(contentsOf: messages, of: CollectionOfOne(only))
        } else {
            try await append(contentsOf: messages, of: Self.conversations(of: messages))
        }
    }

    private func append(contentsOf messages: [StoredMessage], of conversations: some Collection<String>) async throws(StoreError) {
        state.withLock { s in
            for id in conversations { s.appending[id, default: 0] += 1 }
        }
        do {
            try await inner.append(contentsOf: messages)
        } catch {
            state.withLock { s in
                for id in conversations { finishAppend(id, applying: nil, in: &s) }
            }
            throw error
        }
        state.withLock { s in
            // A batch of one conversation is applied as it is, without a filtered copy.
            if conversations.count == 1, let id = conversations.first { return finishAppend(id, applying: messages, in: &s) }
            for id in conversations { finishAppend(id, applying: messages.filter { $0.conversationID == id }, in: &s) }
        }
    }

    public func keptMessages(conversationID: String, limit: Int) -> [StoredMessage]? {
        state.withLock { s in kept(conversationID, limit: max(0, limit), in: &s) }
    }

    public func messages(conversationID: String, limit: Int) async throws(StoreError) -> [StoredMessage] {
        let limit = max(0, limit)
        let answer = state.withLock { s -> [StoredMessage]? in
            if let kept = kept(conversationID, limit: limit, in: &s) { return kept }
            s.misses += 1
            s.reading[conversationID, default: (0, false)].count += 1
            return nil
        }
        if let answer { return answer }
        let read: Result<[StoredMessage], StoreError>
        do throws(StoreError) {
            read = .success(try await inner.messages(conversationID: conversationID, limit: max(limit, messagesPerConversation)))
        } catch {
            read = .failure(error)
        }
        state.withLock { s in
            guard let reading = s.reading[conversationID] else { return }
            s.reading[conversationID] = reading.count > 1 ? (reading.count - 1, reading.spoiled) : nil
            // What an append that began before, or ended during, this read wrote may be missing from it.
            guard case .success(let messages) = read, !reading.spoiled, s.appending[conversationID] == nil else { return }
            let whole = messages.count < max(limit, messagesPerConversation)
            keep(
                Array(messages.suffix(messagesPerConversation)),
                whole: whole && messages.count <= messagesPerConversation,
                for: conversationID,
                in: &s
            )
        }
        return Array(try read.get().suffix(limit))
    }

    /// The copy's last `limit` messages when it holds them all, counted as a use and a hit.
    private func kept(_ conversationID: String, limit: Int, in s: inout State) -> [StoredMessage]? {
        guard let kept = s.kept[conversationID], kept.whole || kept.messages.count >= limit else { return nil }
        let tick = touch(conversationID, in: &s)
        s.kept.modifyValue(forKey: conversationID) { $0.tick = tick }
        s.hits += 1
        return Array(kept.messages.suffix(limit))
    }

    /// Reads answered from memory, and reads that went to the store.
    public var statistics: (hits: Int, misses: Int) {
        state.withLock { ($0.hits, $0.misses) }
    }

    /// Uses waiting in the eviction queue, current or stale.
    var queuedUses: Int {
        state.withLock { $0.recency.count }
    }

    /// Conversation ids in first-seen order (no set: its order would vary by process).
    private static func conversations(of messages: [StoredMessage]) -> [String] {
        var ids: [String] = []
        for message in messages where !ids.contains(message.conversationID) { ids.append(message.conversationID) }
        return ids
    }

    /// After an append to `id`: its committed messages applied to the kept copy, or the copy dropped when it cannot
    /// be vouched for (the append failed, another overlapped it, or it touched an id the copy may not hold).
    private func finishAppend(_ id: String, applying messages: [StoredMessage]?, in s: inout State) {
        let overlapped = (s.appending[id] ?? 1) > 1
        if let count = s.appending[id], count > 1 { s.appending[id] = count - 1 } else { s.appending[id] = nil }
        s.reading.modifyValue(forKey: id) { $0.spoiled = true }
        // Taken out of the table, so its messages are changed in place rather than copied.
        guard var kept = take(id, in: &s) else { return }
        guard let messages, !overlapped else { return }
        for message in messages {
            if isMinted(message.id) {
                // New by construction: no older message can have its id, so no search.
                kept.messages.append(message)
                kept.bytes += Self.cost(of: message)
            } else if let index = kept.messages.firstIndex(where: { $0.id == message.id }) {
                // The store's upsert: the message keeps its place, with the new content.
                kept.bytes += Self.cost(of: message) - Self.cost(of: kept.messages[index])
                kept.messages[index].content = message.content
                kept.messages[index].provider = message.provider
            } else if kept.whole, isScoped(message.id, id) {
                kept.messages.append(message)
                kept.bytes += Self.cost(of: message)
            } else {
                // A client-given id not in the copy may name an older message the store updated in its place, in this
                // conversation or another.
                return
            }
        }
        if kept.messages.count > messagesPerConversation {
            let extra = kept.messages.count - messagesPerConversation
            kept.bytes -= kept.messages.prefix(extra).reduce(0) { $0 + Self.cost(of: $1) }
            kept.messages.removeFirst(extra)
            kept.whole = false
        }
        keep(kept.messages, whole: kept.whole, bytes: kept.bytes, for: id, in: &s)
    }

    /// Keeps `messages` for `id`; `bytes` is their cost when the caller knows it already.
    private func keep(_ messages: [StoredMessage], whole: Bool, bytes: Int? = nil, for id: String, in s: inout State) {
        let bytes = bytes ?? Self.entryOverhead + messages.reduce(0) { $0 + Self.cost(of: $1) }
        guard bytes <= byteBudget / 4 else { return }
        _ = take(id, in: &s)
        let tick = touch(id, in: &s)
        s.kept[id] = Kept(messages: messages, whole: whole, bytes: bytes, tick: tick)
        s.bytes += bytes
        while s.bytes > byteBudget, let oldest = s.recency.popOldest(of: s.kept, tick: { $0.tick }) {
            _ = take(oldest, in: &s)
        }
    }

    /// Records a use of `id` and returns its tick, for the kept entry to carry. Reads alone (every provider failing,
    /// so no append follows) grow the queue no more than appends do.
    private func touch(_ id: String, in s: inout State) -> UInt64 {
        s.recency.use(id, of: s.kept, tick: { $0.tick })
    }

    /// An entry's table slot, its array and its place in the use queue, roughly.
    static let entryOverhead = 128

    /// A message's text and its fields' storage, roughly.
    static func cost(of message: StoredMessage) -> Int {
        96 + message.id.utf8.count + message.conversationID.utf8.count + message.content.utf8.count
            + (message.provider?.utf8.count ?? 0)
    }

    /// Removes `id`'s entry and its bytes from the total: the one place the two change together.
    private func take(_ id: String, in s: inout State) -> Kept? {
        guard let old = s.kept.removeValue(forKey: id) else { return nil }
        s.bytes -= old.bytes
        return old
    }
}
