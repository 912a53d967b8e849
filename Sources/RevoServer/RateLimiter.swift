public import RevoCore
import Synchronization

/// Per-client token buckets: `capacity` requests at once, refilled at `capacity` per `period` (the hardened
/// original's 100 per minute). At most `maxClients` buckets are kept; the least recently used go first, so a flood
/// of addresses cannot grow memory.
public final class RateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: Duration
    }

    public let capacity: Double
    public let period: Duration
    public let maxClients: Int
    private let clock: SystemClock
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(capacity: Int = 100, per period: Duration = .seconds(60), maxClients: Int = 10_000, clock: SystemClock) {
        precondition(capacity > 0 && period > .zero, "a rate limit needs a positive capacity and period")
        self.capacity = Double(capacity)
        self.period = period
        self.maxClients = maxClients
        self.clock = clock
    }

    /// Takes a token for `client`; nil when allowed, otherwise how long until the next token.
    public func take(_ client: String) -> Duration? {
        let now = clock.now
        let refillPerSecond = capacity / period.seconds
        return buckets.withLock { buckets in
            var bucket = buckets[client] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated).seconds * refillPerSecond)
            bucket.updated = now
            defer {
                buckets[client] = bucket
                if buckets.count > maxClients, let oldest = buckets.min(by: { ($0.value.updated, $0.key) < ($1.value.updated, $1.key) }) {
                    buckets[oldest.key] = nil
                }
            }
            guard bucket.tokens >= 1 else {
                return .seconds((1 - bucket.tokens) / refillPerSecond)
            }
            bucket.tokens -= 1
            return nil
        }
    }
}
