import DequeModule
public import RevoRuntime
import Synchronization

/// The embedded default cache: entries in process memory with expiry on the injected clock, at most `capacity`
/// entries (the oldest written go first).
public final class InMemoryCache: Cache {
    struct Stored {
        var value: String
        var expiresAt: Duration
    }

    struct State {
        var entries: [String: Stored]
        var writeOrder = Deque<String>()
        /// What ``residentBytes()`` reports, kept as entries come and go.
        var bytes = 0

        static func bytes(key: String, _ stored: Stored) -> Int {
            64 + 2 * key.utf8.count + stored.value.utf8.count
        }

        mutating func remove(_ key: String) {
            if let stored = entries.removeValue(forKey: key) { bytes -= Self.bytes(key: key, stored) }
        }
    }

    public let name: String
    public let capacity: Int
    public var waits: Waits { .never }
    private let clock: SystemClock
    private let state: Mutex<State>

    public init(name: String = "in-process", capacity: Int = 10_000, clock: SystemClock) {
        precondition(capacity > 0, "a cache needs room for at least one entry")
        self.name = name
        self.capacity = capacity
        self.clock = clock
        // Room for twice the entries: a full cache evicts on every write, and removing a key from a dictionary near
        // its maximum load shifts the long probe runs behind it.
        self.state = Mutex(State(entries: Dictionary(minimumCapacity: 2 * capacity)))
    }

    public func get(_ key: String) throws(StoreError) -> String? {
        lookup(key)
    }

    public func set(_ key: String, value: String, ttl: Duration) throws(StoreError) {
        store(key, value: value, ttl: ttl)
    }

    /// ``get(_:)``, which cannot fail: for callers that know they hold this cache.
    func lookup(_ key: String) -> String? {
        let now = clock.now
        return state.withLock { s in
            guard let stored = s.entries[key] else { return nil }
            guard stored.expiresAt > now else {
                s.remove(key)
                return nil
            }
            return stored.value
        }
    }

    /// ``set(_:value:ttl:)``, which cannot fail.
    func store(_ key: String, value: String, ttl: Duration) {
        let expiresAt = clock.now + ttl
        let capacity = self.capacity
        state.withLock { s in
            let stored = Stored(value: value, expiresAt: expiresAt)
            s.bytes += State.bytes(key: key, stored)
            if let replaced = s.entries.updateValue(stored, forKey: key) {
                s.bytes -= State.bytes(key: key, replaced)
            } else {
                s.writeOrder.append(key)
            }
            while s.entries.count > capacity, let oldest = s.writeOrder.popFirst() {
                s.remove(oldest)
            }
            // Keys deleted or expired earlier may linger in the order queue; keep it from growing without bound.
            if s.writeOrder.count > 2 * capacity {
                s.writeOrder = Deque(s.writeOrder.filter { s.entries[$0] != nil })
            }
        }
    }

    public func delete(_ key: String) throws(StoreError) {
        state.withLock { $0.remove(key) }
    }

    public var count: Int {
        state.withLock { $0.entries.count }
    }

    /// Every entry, expired ones too until they are evicted or replaced: keys, values and the write order.
    public func residentBytes() -> Int? {
        state.withLock { $0.bytes }
    }
}
