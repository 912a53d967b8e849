import Foundation
import RevoRuntime
import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Chat service")
struct ChatServiceTests {
    @Test("the prompt is the history, the memories and the question, each part after a blank line")
    func promptLayout() {
        let history = [
            StoredMessage(id: "1", conversationID: "c", role: .user, content: "hi", createdAt: .zero),
            StoredMessage(id: "2", conversationID: "c", role: .assistant, content: "hello", createdAt: .zero),
        ]
        let memories = ["likes tea", "lives in Oslo"].map {
            ScoredMemory(entry: MemoryEntry(id: $0, content: $0, type: "knowledge", createdAt: .zero, embedding: []), similarity: 1, score: 1)
        }
        #expect(ChatService.prompt("q", history: [], memories: []) == "q")
        #expect(ChatService.prompt("q", history: history, memories: []) == "Conversation so far:\nuser: hi\nassistant: hello\n\nq")
        #expect(ChatService.prompt("q", history: [], memories: memories) == "Relevant memories:\n- likes tea\n- lives in Oslo\n\nq")
        #expect(
            ChatService.prompt("q", history: history, memories: memories)
                == "Conversation so far:\nuser: hi\nassistant: hello\n\nRelevant memories:\n- likes tea\n- lives in Oslo\n\nq"
        )
    }

    @Test("a minted message id is one without a slash; a client's keyed id has one")
    func mintedIDs() {
        let minted = ChatService.messageIDs(conversationID: "conversation-7", clientMessageID: nil, at: .seconds(5), requestID: "req-1")
        #expect(ChatService.isMinted(messageID: minted.user))
        #expect(!ChatService.isMinted(messageID: "conversation-7/message-3.user"))
    }
    @Test(
        "invalid input is rejected naming the field and what is allowed",
        arguments: [
            (ChatRequest(content: "   "), "content", "must not be empty"),
            (ChatRequest(content: String(repeating: "x", count: 32 * 1024 + 1)), "content", "must be at most 32768 characters, got 32769"),
            (ChatRequest(content: "hi", maxTokens: 0), "max_tokens", "must be between 1 and 8192, got 0"),
            (ChatRequest(content: "hi", maxTokens: 8193), "max_tokens", "must be between 1 and 8192, got 8193"),
            (ChatRequest(content: "hi", temperature: 2.5), "temperature", "must be between 0 and 2, got 2.5"),
            (ChatRequest(content: "hi", temperature: .nan), "temperature", "must be between 0 and 2, got nan"),
            (
                ChatRequest(content: "hi", provider: "gpt-5"), "provider",
                "unknown provider 'gpt-5'; allowed: deepseek_r1_0528, llama_local, openai, anthropic, mock"
            ),
        ]
    )
    func validation(request: ChatRequest, field: String, message: String) throws {
        let fixture = SystemFixture()
        let outcome = try fixture.run { await fixture.system.chat.result(request) }
        #expect(outcome.failure == .invalid(field: field, message: message))
        #expect(fixture.providers.deepseek.calls == 0, "nothing invalid reaches a model")
    }

    @Test("the boundaries themselves are accepted")
    func boundaries() throws {
        let fixture = SystemFixture()
        let outcomes = try fixture.run {
            [
                await fixture.system.chat.result(ChatRequest(content: String(repeating: "x", count: 32 * 1024), maxTokens: 1, temperature: 0)),
                await fixture.system.chat.result(ChatRequest(content: "hi", maxTokens: 8192, temperature: 2)),
            ]
        }
        #expect(outcomes.allSatisfy { $0.failure == nil })
    }

    @Test("chat with memory recalls related memories into the prompt and remembers the exchange")
    func memoryRoundTrip() throws {
        let fixture = SystemFixture(configuration: .init(chat: .init(replyCacheTTL: nil)))
        let (first, second) = try fixture.run {
            let request = ChatRequest(content: "what port does the backend listen on", useMemory: true, sessionID: "s1")
            return (try await fixture.system.chat.chat(request), try await fixture.system.chat.chat(request))
        }
        #expect(first.memoriesUsed == 0)
        #expect(first.memoryDurability == .primary)
        #expect(second.memoriesUsed == 1)
    }

    @Test("a cached reply is stored as the JSON the encoder writes, so entries already in Redis still read back")
    func cachedReplyText() throws {
        let reply = ChatService.CachedReply(
            content: "a \"quoted\" / answer\n",
            provider: "openai",
            providerKind: .api,
            storedAt: 1_764_000_000_123_456_789,
            tokensUsed: 42
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(reply.json == String(decoding: try encoder.encode(reply), as: UTF8.self))
        let read = try JSONDecoder().decode(ChatService.CachedReply.self, from: Data(reply.json.utf8))
        #expect(read.content == reply.content && read.provider == reply.provider && read.tokensUsed == 42)
        #expect(read.storedAt == reply.storedAt)
    }

    @Test("an identical stateless request is answered from the reply cache")
    func replyCache() throws {
        let fixture = SystemFixture()
        let (first, second) = try fixture.run {
            let request = ChatRequest(content: "hello")
            return (try await fixture.system.chat.chat(request), try await fixture.system.chat.chat(request))
        }
        #expect(!first.fromCache && second.fromCache)
        #expect(second.content == first.content)
        #expect(fixture.providers.deepseek.calls == 1)
    }

    @Test("an answer older than the reply cache's TTL is asked again, yet still stands in when every provider fails")
    func freshThenStale() throws {
        let fixture = SystemFixture(configuration: .init(routing: RoutingPolicy(mockEnabled: false), chat: .init(replyCacheTTL: .seconds(300))))
        let (first, later, stale) = try fixture.run {
            let request = ChatRequest(content: "weather?")
            let first = try await fixture.system.chat.chat(request)
            try await fixture.clock.sleep(for: .seconds(301))
            let later = try await fixture.system.chat.chat(request)
            for provider in fixture.providers.all { provider.setDefault(.fail(.connectionRefused(provider.descriptor.id.rawValue), after: .zero)) }
            try await fixture.clock.sleep(for: .seconds(301))
            return (first, later, try await fixture.system.chat.chat(request))
        }
        #expect(!first.fromCache && !later.fromCache, "past 300 s the cached answer is not fresh")
        #expect(fixture.providers.deepseek.calls >= 2)
        #expect(stale.stale && !stale.fromCache && stale.content == later.content)
    }

    @Test("when every provider fails, an earlier answer to the same question stands in, marked stale")
    func staleReply() throws {
        let fixture = SystemFixture(configuration: .init(routing: RoutingPolicy(mockEnabled: false), chat: .init(replyCacheTTL: nil)))
        let (fresh, stale, unknown) = try fixture.run {
            let fresh = try await fixture.system.chat.chat(ChatRequest(content: "status?"))
            for provider in fixture.providers.all { provider.setDefault(.fail(.connectionRefused(provider.descriptor.id.rawValue), after: .zero)) }
            let stale = try await fixture.system.chat.chat(ChatRequest(content: "status?"))
            return (fresh, stale, await fixture.system.chat.result(ChatRequest(content: "never asked")))
        }
        #expect(stale.stale && stale.content == fresh.content)
        guard case .failure(.unavailable(.noModelAvailable)) = unknown else {
            Issue.record("expected 503-class unavailable, got \(unknown)")
            return
        }
    }

    @Test("a conversation is stored; with the database down the chat still answers, unpersisted")
    func conversationPersistence() throws {
        let fixture = SystemFixture()
        let (up, down, stored) = try fixture.run {
            let up = try await fixture.system.chat.chat(ChatRequest(content: "first", conversationID: "c1"))
            fixture.conversations.down.withLock { $0 = "connection refused" }
            let down = try await fixture.system.chat.chat(ChatRequest(content: "second", conversationID: "c1"))
            return (up, down, try fixture.conversations.inner.messages(conversationID: "c1", limit: 10))
        }
        #expect(up.conversationPersisted)
        #expect(!down.conversationPersisted)
        #expect(down.provider == .deepseekR1)
        #expect(stored.map(\.role) == [.user, .assistant])
    }

    @Test("a message resent with the same client id is stored once")
    func idempotentResend() throws {
        let fixture = SystemFixture()
        let stored = try fixture.run {
            let request = ChatRequest(content: "hello again", conversationID: "c9", messageID: "m1")
            _ = try await fixture.system.chat.chat(request)
            _ = try await fixture.system.chat.chat(request)
            _ = try await fixture.system.chat.chat(ChatRequest(content: "next", conversationID: "c9", messageID: "m2"))
            return try fixture.conversations.inner.messages(conversationID: "c9", limit: 10)
        }
        #expect(stored.map(\.role) == [.user, .assistant, .user, .assistant])
        #expect(stored.map(\.content).first == "hello again")
    }

    @Test("a requested provider is tried first")
    func preferredProvider() throws {
        let fixture = SystemFixture()
        let reply = try fixture.run { try await fixture.system.chat.chat(ChatRequest(content: "hi", provider: "anthropic")) }
        #expect(reply.provider == .anthropic)
    }

    @Test("streaming chat delivers tokens as they come and returns the whole reply")
    func streaming() throws {
        let fixture = SystemFixture()
        let tokens = StreamingTests.Received()
        let reply = try fixture.run {
            try await fixture.system.chat.streamChat(ChatRequest(content: "stream please")) { tokens.append($0) }
        }
        #expect(tokens.all.count == 3)
        #expect(reply.content == tokens.all.joined())
    }

    @Test("ids minted for stored messages sort by their time, are minted, and a client-keyed id is not")
    func mintedKeysSortByTime() {
        let times: [Duration] = [.zero, .nanoseconds(15), .nanoseconds(16), .seconds(1), .seconds(1_800_000_000)]
        // Request ids in the opposite order: the time decides.
        let keys = times.enumerated().map {
            ChatService.messageIDs(conversationID: "c", clientMessageID: nil, at: $1, requestID: "req-\(9 - $0)").user
        }
        #expect(keys == keys.sorted())
        #expect(keys[0] == "0000000000000000-req-9.user" && keys[2] == "0000000000000010-req-7.user")
        #expect(keys.allSatisfy { ChatService.isMinted(messageID: $0) })
        #expect(!ChatService.isMinted(messageID: "conversation/m1.user"))
        #expect(UInt64.max.fixedWidthHex == "ffffffffffffffff")
    }

    @Test("an exchange's stored ids are its key and `.user` or `.assistant`: minted, or the client's in its conversation")
    func exchangeMessageIDs() {
        let minted = ChatService.messageIDs(conversationID: "conv-7", clientMessageID: nil, at: .seconds(5), requestID: "req-1")
        #expect(minted.user == "000000012a05f200-req-1.user")
        #expect(minted.assistant == "000000012a05f200-req-1.assistant")
        let keyed = ChatService.messageIDs(conversationID: "conv-7", clientMessageID: "m-3", at: .seconds(5), requestID: "req-1")
        #expect(keyed.user == "conv-7/m-3.user" && keyed.assistant == "conv-7/m-3.assistant")
        #expect(ChatService.isMinted(messageID: minted.user) && !ChatService.isMinted(messageID: keyed.user))
    }

    @Test("a reply-cache key is `rc:` and the request's stable hash in eleven order-preserving digits, one per request")
    func replyCacheKeys() {
        let request = ChatRequest(content: "What does a circuit breaker do?", maxTokens: 16)
        var hash = StableHash()
        hash.combine(request.content)
        hash.combine("\u{0}")
        hash.combine(UInt64(request.maxTokens))
        hash.combine(request.temperature.bitPattern)
        hash.combine("\u{0}")
        #expect(ChatService.cacheKey(request) == hash.value.fixedWidthBase64(after: "rc:"))
        #expect(ChatService.cacheKey(request).utf8.count == 14)
        var other = request
        other.maxTokens = 17
        #expect(ChatService.cacheKey(other) != ChatService.cacheKey(request))
        #expect(UInt64(0x3f9a).fixedWidthHex(after: "req") == "req-0000000000003f9a")
        #expect(UInt64.max.fixedWidthHex(after: "", separator: ":") == ":ffffffffffffffff")
        #expect(UInt64.max.fixedWidthBase64(after: "rc:") == "rc:Ezzzzzzzzzz")
        #expect(UInt64(0).fixedWidthBase64(after: "") == "-----------")
        #expect(UInt64(0x3f).fixedWidthBase64(after: "") == "----------z")
        #expect(UInt64(1 << 60).fixedWidthBase64(after: "") == "0----------")
        // Text order is numeric order.
        let values: [UInt64] = [0, 1, 63, 64, 0x3f9a, 1 << 59, 1 << 60, UInt64.max - 1, UInt64.max]
        #expect(values.map { $0.fixedWidthBase64(after: "") }.sorted() == values.map { $0.fixedWidthBase64(after: "") })
    }
}
