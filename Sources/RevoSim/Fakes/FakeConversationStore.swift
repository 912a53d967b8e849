public import RevoCore
public import RevoRuntime

/// A conversation store with a database's latency and faults.
public struct FakeConversationStore: ConversationStore {
    public let name = "postgres"
    /// Its latency and faults are sleeps of the simulation's clock, the only thing it waits on.
    public var waits: Waits { .onClockOnly }
    /// The data, readable by invariant checks without going through faults.
    public let inner = InMemoryConversationStore()
    private let gate: FaultGate

    public init(gate: FaultGate) {
        self.gate = gate
    }

    public func ping() async throws(StoreError) {
        try await gate.pass("ping")
    }

    public func append(_ message: StoredMessage) async throws(StoreError) {
        try await gate.pass("write")
        try inner.append(message)
    }

    /// A question and its answer in one transaction, one round trip, as the real drivers write them.
    public func append(contentsOf messages: [StoredMessage]) async throws(StoreError) {
        try await gate.pass("write")
        try await inner.append(contentsOf: messages)
    }

    public func messages(conversationID: String, limit: Int) async throws(StoreError) -> [StoredMessage] {
        try await gate.pass("read")
        return try inner.messages(conversationID: conversationID, limit: limit)
    }
}
