/// The static facts about a provider that selection, routing and billing need.
public struct ModelDescriptor: Sendable, Equatable {
    public var id: ProviderID
    public var kind: ProviderKind
    public var displayName: String
    /// Prompt plus completion tokens the model accepts.
    public var contextWindow: Int
    /// US dollars per 1,000 tokens (prompt and completion alike); zero for local models and the mock.
    public var pricePer1kTokens: Double
    /// Memory held while loaded, in the preferred placement (on a GPU when it has one).
    public var footprint: ResourceFootprint
    /// Memory held when loaded on the CPU instead, for models that can run there; tried when ``footprint`` does not fit.
    public var cpuFootprint: ResourceFootprint?
    /// What must be free before a load is attempted.
    public var requirement: ResourceRequirement
    /// Native libraries the model needs (e.g. `transformers`); absent ones make it unavailable.
    public var requiredLibraries: [String]
    /// For API providers: whether a key is configured. An API provider without one is never selected.
    public var hasCredentials: Bool

    public init(
        id: ProviderID,
        kind: ProviderKind,
        displayName: String? = nil,
        contextWindow: Int,
        pricePer1kTokens: Double = 0,
        footprint: ResourceFootprint = .zero,
        cpuFootprint: ResourceFootprint? = nil,
        requirement: ResourceRequirement = .none,
        requiredLibraries: [String] = [],
        hasCredentials: Bool = true
    ) {
        self.id = id
        self.kind = kind
        self.displayName = displayName ?? id.rawValue
        self.contextWindow = contextWindow
        self.pricePer1kTokens = pricePer1kTokens
        self.footprint = footprint
        self.cpuFootprint = cpuFootprint
        self.requirement = requirement
        self.requiredLibraries = requiredLibraries
        self.hasCredentials = hasCredentials
    }

    public var isCloud: Bool { kind == .api }

    /// The placements to try, preferred first.
    public var placements: [ResourceFootprint] {
        [footprint] + (cpuFootprint.map { [$0] } ?? [])
    }

    /// Cost in US dollars of the given usage.
    public func cost(of usage: TokenUsage) -> Double {
        Double(usage.totalTokens) / 1_000 * pricePer1kTokens
    }
}

extension ModelDescriptor {
    // The original system's providers with the seed's selection rules and the original's prices.

    public static func deepseekR1() -> ModelDescriptor {
        ModelDescriptor(
            id: .deepseekR1,
            kind: .local,
            displayName: "DeepSeek R1 0528",
            contextWindow: 32_768,
            footprint: ResourceFootprint(ram: .gigabytes(4)),
            requirement: .availableRAM(above: .gigabytes(4)),
            requiredLibraries: ["torch", "transformers"]
        )
    }

    public static func llamaLocal() -> ModelDescriptor {
        ModelDescriptor(
            id: .llamaLocal,
            kind: .local,
            displayName: "Llama 3.1 (local)",
            contextWindow: 131_072,
            footprint: ResourceFootprint(ram: .gigabytes(2), gpuMemory: .gigabytes(16)),
            cpuFootprint: ResourceFootprint(ram: .gigabytes(32)),
            requirement: .anyOf([.gpuMemory(above: .gigabytes(16)), .availableRAM(above: .gigabytes(32))]),
            requiredLibraries: ["torch", "transformers"]
        )
    }

    public static func openai(hasKey: Bool) -> ModelDescriptor {
        ModelDescriptor(
            id: .openai,
            kind: .api,
            displayName: "OpenAI GPT-4",
            contextWindow: 128_000,
            pricePer1kTokens: 0.03,
            hasCredentials: hasKey
        )
    }

    public static func anthropic(hasKey: Bool) -> ModelDescriptor {
        ModelDescriptor(
            id: .anthropic,
            kind: .api,
            displayName: "Anthropic Claude",
            contextWindow: 200_000,
            pricePer1kTokens: 0.015,
            hasCredentials: hasKey
        )
    }

    public static func mock() -> ModelDescriptor {
        ModelDescriptor(id: .mock, kind: .mock, displayName: "Mock", contextWindow: 1_000_000)
    }
}
