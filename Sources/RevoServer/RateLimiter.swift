import RevoCore
public import RevoRuntime
import Synchronization

/// Per-client token buckets: `capacity` requests at once, refilled at `capacity` per `period` (the hardened
/// original's 100 per minute). At most `maxClients` buckets are kept; the least recently used go first, so a flood
/// of addresses can grow neither memory nor the work per request.
public final class RateLimiter<Client: Hashable & Sendable>: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: Duration
        /// The bucket's last use in `recency`.
        var tick: UInt64
    }

    struct State {
        var buckets: [Client: Bucket] = [:]
        var recency = RecencyQueue<Client>()
    }

    public let capacity: Double
    public let period: Duration
    public let maxClients: Int
    private let clock: SystemClock
    private let state = Mutex(State())

    public init(capacity: Int = 100, per period: Duration = .seconds(60), maxClients: Int = 10_000, clock: SystemClock) {
        precondition(capacity > 0 && period > .zero && maxClients > 0, "a rate limit needs a positive capacity, period and client count")
        self.capacity = Double(capacity)
        self.period = period
        self.maxClients = maxClients
        self.clock = clock
    }

    /// Takes a token for `client`; nil when allowed, otherwise how long until the next token.
    public func take(_ client: Client) -> Duration? {
        let now = clock.now
        let refillPerSecond = capacity / period.seconds
        return state.withLock { s in
            var bucket = s.buckets[client] ?? Bucket(tokens: capacity, updated: now, tick: 0)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated).seconds * refillPerSecond)
            bucket.updated = now
            // Closures, not `\.tick`: a key path into a generic type is instantiated by the runtime on every call.
            bucket.tick = s.recency.use(client, of: s.buckets, tick: { $0.tick })
            let wait: Duration?
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                wait = nil
            } else {
                wait = .seconds((1 - bucket.tokens) / refillPerSecond)
            }
            s.buckets[client] = bucket
            while s.buckets.count > maxClients, let oldest = s.recency.popOldest(of: s.buckets, tick: { $0.tick }) {
                s.buckets[oldest] = nil
            }
            return wait
        }
    }
}

extension RateLimiter {
    /// Buckets kept and uses queued, for tests of the bounds.
    var sizes: (buckets: Int, uses: Int) {
        state.withLock { ($0.buckets.count, $0.recency.count) }
    }
}
