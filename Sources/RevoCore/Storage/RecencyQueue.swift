public import DequeModule

/// Least-recently-used order over the entries of a dictionary, in O(1) amortized per use.
///
/// Every use is queued with a fresh tick, which the owner stores on the entry; a queued use whose tick is no longer
/// its entry's (used again since, or dropped) is stale: eviction skips it, and the queue sheds stale uses whenever it
/// grows past twice the entries (at least 64), so repeated uses of a few entries cannot grow it either; once it has
/// grown to that size, a use allocates nothing.
public struct RecencyQueue<Key: Hashable & Sendable>: Sendable {
    @usableFromInline var uses = Deque<(key: Key, tick: UInt64)>()
    @usableFromInline var tick: UInt64 = 0

    public init() {}

    /// Uses waiting in the queue, current or stale.
    public var count: Int { uses.count }

    /// Queues a use of `key` and returns the tick its entry must carry from now on. `entries` is the dictionary this
    /// queue orders, read only to shed stale uses.
    @inlinable
    public mutating func use<Entry>(_ key: Key, of entries: [Key: Entry], tick entryTick: (Entry) -> UInt64) -> UInt64 {
        tick &+= 1
        uses.append((key, tick))
        if uses.count > 2 * max(32, entries.count) {
            let current = tick
            // The use just queued is current although its entry does not carry the tick yet. Shed in place, keeping
            // the order and the storage: a new queue here would be allocated again, and grown again, every few uses.
            uses.removeAll { $0.tick != current && entries[$0.key].map(entryTick) != $0.tick }
        }
        return tick
    }

    /// The key of the least recently used entry of `entries`, its use taken off the queue with the stale ones before
    /// it; nil when no queued use is current. The caller drops the entry.
    @inlinable
    public mutating func popOldest<Entry>(of entries: [Key: Entry], tick entryTick: (Entry) -> UInt64) -> Key? {
        while let oldest = uses.popFirst() {
            if entries[oldest.key].map(entryTick) == oldest.tick { return oldest.key }
        }
        return nil
    }
}
