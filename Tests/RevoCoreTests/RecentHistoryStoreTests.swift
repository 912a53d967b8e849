import Synchronization
import Testing

@testable import RevoCore

@Suite("Recent history kept in process")
struct RecentHistoryStoreTests {
    /// The in-process store, counting reads, failing appends on demand, and holding a read or an append until let go.
    final class Inner: ConversationStore {
        struct State {
            var reads = 0
            var failAppends = false
            var holdReads: CheckedContinuation<Void, Never>?
            var holdingReads = false
            var readWaiting: CheckedContinuation<Void, Never>?
        }

        let name = "inner"
        let store = InMemoryConversationStore()
        let state = Mutex(State())

        func ping() async throws(StoreError) {}

        func append(_ message: StoredMessage) async throws(StoreError) {
            if state.withLock({ $0.failAppends }) { throw .timeout("cancelled while waiting for a commit") }
            try store.append(message)
        }

        func messages(conversationID: String, limit: Int) async throws(StoreError) -> [StoredMessage] {
            let read = try store.messages(conversationID: conversationID, limit: limit)
            let hold = state.withLock { s in
                s.reads += 1
                return s.holdingReads
            }
            if hold {
                await withCheckedContinuation { continuation in
                    let waiting = state.withLock { s in
                        s.holdReads = continuation
                        return s.readWaiting
                    }
                    waiting?.resume()
                }
            }
            return read
        }

        var reads: Int { state.withLock { $0.reads } }
    }

    static func message(_ id: String, _ content: String, in conversation: String = "c") -> StoredMessage {
        StoredMessage(id: id, conversationID: conversation, role: .user, content: content, createdAt: .zero)
    }

    @Test("a read is answered from the store once, then from memory, and appends keep the copy current")
    func hitsAfterAppends() async throws {
        let inner = Inner()
        let store = RecentHistoryStore(inner, messagesPerConversation: 4)
        #expect(try await store.messages(conversationID: "c", limit: 10) == [])
        for index in 0..<6 { try await store.append(contentsOf: [Self.message("req-\(index)", "m\(index)")]) }
        let kept = try await store.messages(conversationID: "c", limit: 3)
        #expect(kept.map(\.content) == ["m3", "m4", "m5"])
        #expect(inner.reads == 1)
        #expect(try await store.messages(conversationID: "c", limit: 10).map(\.content) == ["m0", "m1", "m2", "m3", "m4", "m5"])
        #expect(inner.reads == 2, "more than the four kept: read from the store")
        #expect(store.statistics == (hits: 1, misses: 2))
        // What the copy vouches for is there without waiting; the rest is nil, for the caller to read from the store.
        #expect(store.keptMessages(conversationID: "c", limit: 2)?.map(\.content) == ["m4", "m5"])
        #expect(store.keptMessages(conversationID: "c", limit: 10) == nil)
        #expect(store.keptMessages(conversationID: "other", limit: 1) == nil)
        #expect(inner.reads == 2)
        #expect(store.statistics == (hits: 2, misses: 2))
    }

    @Test("a resent client message updates the kept copy in place; one the copy may not hold makes it read again")
    func clientIDs() async throws {
        let inner = Inner()
        let store = RecentHistoryStore(inner, messagesPerConversation: 2)
        for index in 0..<4 { try await store.append(Self.message("c/m\(index).user", "v1 \(index)")) }
        _ = try await store.messages(conversationID: "c", limit: 2)
        try await store.append(Self.message("c/m3.user", "v2 3"))
        #expect(try await store.messages(conversationID: "c", limit: 2).map(\.content) == ["v1 2", "v2 3"])
        #expect(inner.reads == 1)
        // m0 is older than the copy: the store updates it where it is, and the copy cannot know.
        try await store.append(Self.message("c/m0.user", "v2 0"))
        #expect(try await store.messages(conversationID: "c", limit: 2).map(\.content) == ["v1 2", "v2 3"])
        #expect(inner.reads == 2)
    }

    @Test("an append that failed, which may have committed, makes the next read go to the store")
    func failedAppend() async throws {
        let inner = Inner()
        let store = RecentHistoryStore(inner)
        try await store.append(Self.message("req-1", "one"))
        _ = try await store.messages(conversationID: "c", limit: 5)
        inner.state.withLock { $0.failAppends = true }
        await #expect(throws: StoreError.self) { try await store.append(Self.message("req-2", "two")) }
        inner.state.withLock { $0.failAppends = false }
        _ = try await store.messages(conversationID: "c", limit: 5)
        #expect(inner.reads == 2)
    }

    @Test("what a read fetched while an append ended is returned but not kept")
    func readRacingAppend() async throws {
        let inner = Inner()
        let store = RecentHistoryStore(inner)
        inner.state.withLock { $0.holdingReads = true }
        async let racing = store.messages(conversationID: "c", limit: 5)
        await withCheckedContinuation { continuation in
            let held = inner.state.withLock { s -> Bool in
                if s.holdReads != nil { return true }
                s.readWaiting = continuation
                return false
            }
            if held { continuation.resume() }
        }
        try await store.append(Self.message("req-1", "written during the read"))
        let release = inner.state.withLock { s in
            s.holdingReads = false
            defer { s.holdReads = nil }
            return s.holdReads
        }
        release?.resume()
        #expect(try await racing == [])
        #expect(try await store.messages(conversationID: "c", limit: 5).map(\.content) == ["written during the read"])
        #expect(inner.reads == 2)
    }

    @Test("the byte budget evicts the least recently used conversation first")
    func budget() async throws {
        let inner = Inner()
        // Room for four conversations of one message each, and half of a fifth.
        let entry = RecentHistoryStore.entryOverhead + RecentHistoryStore.cost(of: Self.message("req-a", String(repeating: "x", count: 60), in: "a"))
        let store = RecentHistoryStore(inner, byteBudget: 4 * entry + entry / 2)
        for conversation in ["a", "b", "c", "d"] {
            _ = try await store.messages(conversationID: conversation, limit: 5)
            try await store.append(Self.message("req-\(conversation)", String(repeating: "x", count: 60), in: conversation))
        }
        _ = try await store.messages(conversationID: "a", limit: 5)  // a is now more recent than b
        #expect(inner.reads == 4)
        _ = try await store.messages(conversationID: "e", limit: 5)
        try await store.append(Self.message("req-e", String(repeating: "y", count: 60), in: "e"))
        // Five would not fit: b, the least recently used, went.
        for conversation in ["a", "c", "d", "e"] { _ = try await store.messages(conversationID: conversation, limit: 5) }
        #expect(inner.reads == 5)
        _ = try await store.messages(conversationID: "b", limit: 5)
        #expect(inner.reads == 6)
    }

    @Test("reads with no append after them (every provider failing) do not grow the eviction queue without bound")
    func readsAloneStayBounded() async throws {
        let inner = Inner()
        let store = RecentHistoryStore(inner)
        for conversation in ["a", "b"] {
            _ = try await store.messages(conversationID: conversation, limit: 5)
            try await store.append(Self.message("req-\(conversation)", "hello", in: conversation))
        }
        for _ in 0..<10_000 { _ = try await store.messages(conversationID: "a", limit: 5) }
        #expect(store.queuedUses <= 4 * 16 + 1)
        #expect(store.statistics.hits == 10_000)
        // The entries' places in the queue survive the trimming: b is still kept, and evictable.
        #expect(try await store.messages(conversationID: "b", limit: 5).map(\.content) == ["hello"])
        #expect(inner.reads == 2)
    }
}
