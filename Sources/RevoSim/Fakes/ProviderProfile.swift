public import RevoCore

/// The physics of one fake model provider. ``ProviderProfile/defaults(for:)`` is the one place the default
/// profiles are documented.
public struct ProviderProfile: Sendable, Equatable {
    public var descriptor: ModelDescriptor
    public var loadTime: Duration
    /// Time to first token at no load, and its relative spread (0.2 = ±20%, drawn from the seed).
    public var timeToFirstToken: Duration
    /// Time between tokens at no load, and its relative spread.
    public var interTokenLatency: Duration
    public var spread: Double
    /// Requests served at full speed at once; each one beyond slows every request by ``slowdownPerExtra``.
    public var concurrencySlots: Int
    public var slowdownPerExtra: Double
    /// Completion tokens produced when the request allows that many (mean; ±spread).
    public var outputTokens: Int
    /// The context the model really serves, when smaller than its descriptor declares: a longer prompt is refused
    /// with a context-length error the router did not see coming.
    public var servedContext: Int?

    public init(
        descriptor: ModelDescriptor,
        loadTime: Duration,
        timeToFirstToken: Duration,
        interTokenLatency: Duration,
        spread: Double = 0.2,
        concurrencySlots: Int,
        slowdownPerExtra: Double = 0.1,
        outputTokens: Int = 120
    ) {
        self.descriptor = descriptor
        self.loadTime = loadTime
        self.timeToFirstToken = timeToFirstToken
        self.interTokenLatency = interTokenLatency
        self.spread = spread
        self.concurrencySlots = concurrencySlots
        self.slowdownPerExtra = slowdownPerExtra
        self.outputTokens = outputTokens
    }

    /// Default profiles, chosen to resemble the original's deployment:
    ///
    /// | provider | load | TTFT | inter-token | slots | footprint | context | $/1k |
    /// |---|---|---|---|---|---|---|---|
    /// | deepseek_r1_0528 | 20 s | 250 ms | 8 ms | 8 | 4 GB RAM | 32k | 0 |
    /// | llama_local | 45 s | 250 ms | 8 ms | 8 | 2 GB RAM + 16 GB GPU (CPU: 32 GB RAM) | 128k | 0 |
    /// | openai | — | 500 ms | 15 ms | 64 | — | 128k | 0.03 |
    /// | anthropic | — | 600 ms | 14 ms | 64 | — | 200k | 0.015 |
    /// | mock | — | 5 ms | 0.5 ms | 1024 | — | 1M | 0 |
    ///
    /// Spread ±20%, each request beyond the slots slows all by 10%, 120 completion tokens by default.
    public static func defaults(for id: ProviderID, hasKey: Bool = true) -> ProviderProfile? {
        switch id {
        case .deepseekR1:
            ProviderProfile(
                descriptor: .deepseekR1(),
                loadTime: .seconds(20),
                timeToFirstToken: .milliseconds(250),
                interTokenLatency: .milliseconds(8),
                concurrencySlots: 8
            )
        case .llamaLocal:
            ProviderProfile(
                descriptor: .llamaLocal(),
                loadTime: .seconds(45),
                timeToFirstToken: .milliseconds(250),
                interTokenLatency: .milliseconds(8),
                concurrencySlots: 8
            )
        case .openai:
            ProviderProfile(
                descriptor: .openai(hasKey: hasKey),
                loadTime: .zero,
                timeToFirstToken: .milliseconds(500),
                interTokenLatency: .milliseconds(15),
                concurrencySlots: 64
            )
        case .anthropic:
            ProviderProfile(
                descriptor: .anthropic(hasKey: hasKey),
                loadTime: .zero,
                timeToFirstToken: .milliseconds(600),
                interTokenLatency: .milliseconds(14),
                concurrencySlots: 64
            )
        case .mock:
            ProviderProfile(
                descriptor: .mock(),
                loadTime: .zero,
                timeToFirstToken: .milliseconds(5),
                interTokenLatency: .microseconds(500),
                concurrencySlots: 1024,
                outputTokens: 40
            )
        default:
            nil
        }
    }
}
