/// A durable, ordered log of memory writes the primary store has not confirmed yet.
///
/// The memory manager acknowledges a write once it is here, so an implementation must not return from ``append(_:)``
/// before the entry would survive a crash (the SQLite outbox commits a WAL transaction).
public protocol MemoryOutbox: Sendable {
    /// Appends `entry` and returns its sequence number (increasing, never reused).
    func append(_ entry: MemoryEntry) async throws(StoreError) -> UInt64
    /// The oldest pending writes, in order.
    func pending(limit: Int) async throws(StoreError) -> [OutboxItem]
    /// Forgets every write up to and including `sequence`: the primary has them.
    func acknowledge(through sequence: UInt64) async throws(StoreError)
    func count() async throws(StoreError) -> Int
    /// Bytes of this process's memory the outbox holds; nil for one that lives elsewhere (the default).
    func residentBytes() async -> Int?
}

extension MemoryOutbox {
    public func residentBytes() async -> Int? { nil }
}

public struct OutboxItem: Sendable, Equatable {
    public var sequence: UInt64
    public var entry: MemoryEntry

    public init(sequence: UInt64, entry: MemoryEntry) {
        self.sequence = sequence
        self.entry = entry
    }
}

/// An outbox in process memory: durable for as long as the process lives. The embedded default for simulations
/// (where "durable" means "not lost by the system under test"); servers use the SQLite outbox.
public actor InMemoryOutbox: MemoryOutbox {
    private var items: [OutboxItem] = []
    private var nextSequence: UInt64 = 0

    public init() {}

    public func append(_ entry: MemoryEntry) throws(StoreError) -> UInt64 {
        nextSequence += 1
        items.append(OutboxItem(sequence: nextSequence, entry: entry))
        return nextSequence
    }

    public func pending(limit: Int) throws(StoreError) -> [OutboxItem] {
        Array(items.prefix(limit))
    }

    public func residentBytes() -> Int? {
        items.reduce(0) { $0 + 16 + $1.entry.residentBytes }
    }

    public func acknowledge(through sequence: UInt64) throws(StoreError) {
        items.removeAll { $0.sequence <= sequence }
    }

    public func count() throws(StoreError) -> Int {
        items.count
    }
}
