import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Conversation store")
struct ConversationStoreTests {
    @Test("a replayed message write replaces the message instead of duplicating it; history keeps its order")
    func upsert() throws {
        let store = InMemoryConversationStore()
        let messages = try runSimulation(SimulationExecutor()) {
            for index in 0..<5 {
                try store.append(StoredMessage(id: "m\(index)", conversationID: "c", role: .user, content: "v1-\(index)", createdAt: .zero))
            }
            try store.append(StoredMessage(id: "m2", conversationID: "c", role: .user, content: "v2-2", createdAt: .zero))
            try store.append(StoredMessage(id: "x", conversationID: "other", role: .user, content: "elsewhere", createdAt: .zero))
            return try store.messages(conversationID: "c", limit: 3)
        }
        #expect(messages.map(\.content) == ["v2-2", "v1-3", "v1-4"])
    }
}
