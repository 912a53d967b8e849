/// A task for the engines, in the original's shape.
public struct CoordinationRequest: Sendable, Equatable {
    public enum Complexity: String, Sendable, Codable, CaseIterable {
        case simple
        case moderate
        case complex
        case enterprise
    }

    public enum Strategy: String, Sendable, Codable, CaseIterable {
        /// Recall, then parallel, then creative, each passing its result on.
        case sequential
        /// The chosen engines at once.
        case parallel
        /// Engines chosen by keywords in the description, then run in parallel.
        case adaptive
    }

    public var taskID: String
    public var taskType: String
    public var description: String
    public var input: String
    public var complexity: Complexity
    /// Engines that must take part (adaptive adds its own picks to these; the others use exactly these, or all
    /// three when empty).
    public var requiredEngines: [EngineKind]
    public var strategy: Strategy
    public var timeout: Duration
    /// The account whose memories Perfect Recall searches; nil searches every memory (callers without accounts).
    public var memoryOwner: String?

    public init(
        taskID: String,
        taskType: String = "general",
        description: String,
        input: String = "",
        complexity: Complexity = .moderate,
        requiredEngines: [EngineKind] = [],
        strategy: Strategy = .adaptive,
        timeout: Duration = .seconds(60),
        memoryOwner: String? = nil
    ) {
        self.taskID = taskID
        self.taskType = taskType
        self.description = description
        self.input = input
        self.complexity = complexity
        self.requiredEngines = requiredEngines
        self.strategy = strategy
        self.timeout = timeout
        self.memoryOwner = memoryOwner
    }
}

/// One engine's part in a coordinated task.
public struct EngineResponse: Sendable, Equatable {
    public var engine: EngineKind
    public var success: Bool
    public var result: String?
    public var error: String?
    public var executionTime: Duration
}

/// The coordinator's answer: a success when at least one engine succeeded, with every engine's outcome.
public struct CoordinationResponse: Sendable, Equatable {
    public var taskID: String
    public var success: Bool
    /// The first successful result in recall → parallel → creative order.
    public var primaryResult: String?
    public var engineResponses: [EngineResponse]
    public var totalExecutionTime: Duration
    public var strategy: CoordinationRequest.Strategy
}
