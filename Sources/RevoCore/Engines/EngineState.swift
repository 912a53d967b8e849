/// The three engines of the original system.
public enum EngineKind: String, Sendable, Codable, CaseIterable, Comparable {
    case perfectRecall = "perfect_recall"
    case parallelMind = "parallel_mind"
    case creative

    /// The sequential strategy's order: recall, then parallel, then creative.
    public static let sequentialOrder: [EngineKind] = [.perfectRecall, .parallelMind, .creative]

    public static func < (lhs: EngineKind, rhs: EngineKind) -> Bool {
        sequentialOrder.firstIndex(of: lhs)! < sequentialOrder.firstIndex(of: rhs)!
    }
}

/// Where an engine is in its life. Only ready states accept calls.
public enum EngineState: String, Sendable, Codable, CaseIterable {
    case initializing
    case active
    case busy
    case degraded
    case error
    case shutdown

    /// Whether a call may reach the engine.
    public var isReady: Bool {
        switch self {
        case .active, .busy, .degraded: true
        case .initializing, .error, .shutdown: false
        }
    }

    /// The transitions the original's engines go through; anything else is a bug in the caller.
    public func canMove(to next: EngineState) -> Bool {
        switch (self, next) {
        case (.shutdown, _): false
        case (_, .shutdown), (_, .error): true
        case (.initializing, .active), (.initializing, .degraded): true
        case (.active, .busy), (.busy, .active): true
        case (.active, .degraded), (.busy, .degraded), (.degraded, .active), (.degraded, .busy): true
        case (.error, .initializing): true
        default: self == next
        }
    }
}

/// An engine's state with the reason it is not plainly active, guarded against impossible transitions.
public struct EngineStateMachine: Sendable, Equatable {
    public private(set) var state: EngineState = .initializing
    public private(set) var reason: String?

    public init() {}

    /// Moves to `next`; returns false (and stays put) for a transition that is not allowed.
    @discardableResult
    public mutating func move(to next: EngineState, reason: String? = nil) -> Bool {
        guard state.canMove(to: next) else { return false }
        state = next
        self.reason = reason
        return true
    }
}
