/// Where a provider stands in its life: never tried, loading, ready, or unavailable with the reason.
public enum ProviderState: Sendable, Equatable {
    case unloaded
    case loading
    case ready
    /// `retryable` providers are probed again with backoff; others (no API key) need a configuration change.
    case unavailable(reason: String, retryable: Bool)

    public var isReady: Bool { self == .ready }
}

/// A provider as the model list and the health report show it.
public struct ProviderStatus: Sendable, Equatable {
    public var descriptor: ModelDescriptor
    public var state: ProviderState
    public var breaker: CircuitBreaker.State
    public var breakerOpenings: Int
    public var loadAttempts: Int
    /// When an unavailable provider will be probed again.
    public var nextProbeAt: Duration?

    public var id: ProviderID { descriptor.id }
}
