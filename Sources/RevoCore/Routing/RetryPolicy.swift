public import RevoRuntime

/// How often the same provider is retried for one request, by error class, and how long to wait between tries.
///
/// Defaults: server errors retried twice with exponential backoff (100 ms, 200 ms... capped at 2 s, ±20% seeded
/// jitter); a 429 retried once if its Retry-After is at most 10 s and the request's Retry-After waits stay within
/// 60 s in total (Portkey's cap); everything else goes straight to the next provider.
public struct RetryPolicy: Sendable, Equatable {
    public var serverErrorRetries: Int
    public var rateLimitRetries: Int
    public var timeoutRetries: Int
    public var backoffBase: Duration
    public var backoffMax: Duration
    /// Fraction of the backoff drawn at random on either side, so retries from many requests do not align.
    public var jitter: Double
    /// A Retry-After longer than this is not waited for: the request moves on.
    public var maxRetryAfter: Duration
    /// Total Retry-After waiting one request may do.
    public var maxTotalRetryAfterWait: Duration

    public init(
        serverErrorRetries: Int = 2,
        rateLimitRetries: Int = 1,
        timeoutRetries: Int = 0,
        backoffBase: Duration = .milliseconds(100),
        backoffMax: Duration = .seconds(2),
        jitter: Double = 0.2,
        maxRetryAfter: Duration = .seconds(10),
        maxTotalRetryAfterWait: Duration = .seconds(60)
    ) {
        self.serverErrorRetries = serverErrorRetries
        self.rateLimitRetries = rateLimitRetries
        self.timeoutRetries = timeoutRetries
        self.backoffBase = backoffBase
        self.backoffMax = backoffMax
        self.jitter = jitter
        self.maxRetryAfter = maxRetryAfter
        self.maxTotalRetryAfterWait = maxTotalRetryAfterWait
    }

    /// Retries allowed on one provider for this class of error.
    public func retries(for errorClass: ErrorClass) -> Int {
        switch errorClass {
        case .serverError: serverErrorRetries
        case .rateLimited: rateLimitRetries
        case .timeout: timeoutRetries
        case .unavailable, .contextTooLong, .contentPolicy, .invalidRequest: 0
        }
    }

    /// The wait before retry number `retry` (1-based).
    public func backoff(retry: Int, random: RandomSource) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let raw = backoffBase * (1 << exponent)
        let capped = raw > backoffMax ? backoffMax : raw
        let spread = (random.unitInterval() * 2 - 1) * jitter
        return capped * (1 + spread)
    }
}
