import Synchronization

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
/// (where "durable" means "not lost by the system under test"); servers use the SQLite outbox. Behind a lock: each
/// call is a short step in memory.
public final class InMemoryOutbox: MemoryOutbox {
    private struct State {
        var items: [OutboxItem] = []
        var nextSequence: UInt64 = 0
        /// ``residentBytes()``, kept as items come and go: a memory sample walked every waiting write.
        var bytes = 0
    }

    private static func bytes(of item: OutboxItem) -> Int {
        16 + item.entry.residentBytes
    }

    private let state = Mutex(State())

    public init() {}

    public func append(_ entry: MemoryEntry) throws(StoreError) -> UInt64 {
        state.withLock { s in
            s.nextSequence += 1
            let item = OutboxItem(sequence: s.nextSequence, entry: entry)
            s.items.append(item)
            s.bytes += Self.bytes(of: item)
            return s.nextSequence
        }
    }

    public func pending(limit: Int) throws(StoreError) -> [OutboxItem] {
        state.withLock { Array($0.items.prefix(limit)) }
    }

    public func residentBytes() -> Int? {
        state.withLock { $0.bytes }
    }

    public func acknowledge(through sequence: UInt64) throws(StoreError) {
        state.withLock { s in
            // Acknowledged items are the oldest: a prefix of the list.
            let acknowledged = s.items.prefix { $0.sequence <= sequence }
            s.bytes -= acknowledged.reduce(0) { $0 + Self.bytes(of: $1) }
            s.items.removeFirst(acknowledged.count)
        }
    }

    public func count() throws(StoreError) -> Int {
        state.withLock { $0.items.count }
    }
}
