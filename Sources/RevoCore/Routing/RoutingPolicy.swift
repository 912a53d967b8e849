/// How the model manager chooses, retries and falls back: one value per deployment.
public struct RoutingPolicy: Sendable, Equatable {
    /// Providers in order of preference. Providers not listed are never used; an empty chain means all registered
    /// providers in registration order.
    public var chain: [ProviderID]
    /// Whether the mock may answer when every other provider failed.
    public var mockEnabled: Bool
    /// The mock goes last whatever its place in ``chain``. The original put it first, so it answered everything;
    /// setting this to false reproduces that bug (scenarios use it to prove their checks can fail).
    public var mockLast: Bool
    /// Providers tried after the first one, at most (LiteLLM's default is 5).
    public var maxFallbacks: Int
    /// Everything one request does — attempts, retries, waits — ends by this deadline.
    public var requestDeadline: Duration
    /// One call to one provider gets at most this long (and never past the request's deadline).
    public var attemptTimeout: Duration
    /// Where a request refused by a provider's content policy goes next; nil fails it.
    public var contentPolicyAlternative: ProviderID?
    public var retry: RetryPolicy
    public var breaker: BreakerSettings
    public var cost: CostPolicy
    /// A model's load gets this long.
    public var loadTimeout: Duration
    /// First wait before an unavailable provider is probed again; doubles on each failure up to ``reprobeMax``.
    public var reprobeInitial: Duration
    public var reprobeMax: Duration
    /// How often the background loop looks at unavailable providers.
    public var reprobeInterval: Duration

    public init(
        chain: [ProviderID] = [],
        mockEnabled: Bool = true,
        mockLast: Bool = true,
        maxFallbacks: Int = 5,
        requestDeadline: Duration = .seconds(30),
        attemptTimeout: Duration = .seconds(20),
        contentPolicyAlternative: ProviderID? = nil,
        retry: RetryPolicy = RetryPolicy(),
        breaker: BreakerSettings = BreakerSettings(),
        cost: CostPolicy = CostPolicy(),
        loadTimeout: Duration = .seconds(120),
        reprobeInitial: Duration = .seconds(5),
        reprobeMax: Duration = .seconds(300),
        reprobeInterval: Duration = .seconds(5)
    ) {
        self.chain = chain
        self.mockEnabled = mockEnabled
        self.mockLast = mockLast
        self.maxFallbacks = maxFallbacks
        self.requestDeadline = requestDeadline
        self.attemptTimeout = attemptTimeout
        self.contentPolicyAlternative = contentPolicyAlternative
        self.retry = retry
        self.breaker = breaker
        self.cost = cost
        self.loadTimeout = loadTimeout
        self.reprobeInitial = reprobeInitial
        self.reprobeMax = reprobeMax
        self.reprobeInterval = reprobeInterval
    }

    /// The order providers are tried in, given the registered ones (in registration order) and their kinds.
    func effectiveChain(registered: [(id: ProviderID, kind: ProviderKind)]) -> [ProviderID] {
        let listed = chain.isEmpty ? registered.map(\.id) : chain.filter { id in registered.contains { $0.id == id } }
        let mocks = registered.filter { $0.kind == .mock }.map(\.id)
        guard mockEnabled else { return listed.filter { !mocks.contains($0) } }
        guard mockLast else { return listed }
        let withoutMocks = listed.filter { !mocks.contains($0) }
        let mocksToAppend = chain.isEmpty ? mocks : listed.filter { mocks.contains($0) }
        return withoutMocks + mocksToAppend
    }
}
