import Synchronization

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

/// A thread-safe ``EngineStateMachine`` for engines whose state changes from many tasks.
public final class EngineLifecycle: Sendable {
    private let machine = Mutex(EngineStateMachine())

    public init() {}

    public var state: EngineState {
        machine.withLock { $0.state }
    }

    public var reason: String? {
        machine.withLock { $0.reason }
    }

    /// Moves to `next` if the transition is allowed; returns whether it moved.
    @discardableResult
    public func move(to next: EngineState, reason: String? = nil) -> Bool {
        machine.withLock { $0.move(to: next, reason: reason) }
    }

    /// Moves to `next` only from `current`, atomically.
    public func move(from current: EngineState, to next: EngineState, reason: String? = nil) {
        machine.withLock { m in
            if m.state == current { m.move(to: next, reason: reason) }
        }
    }
}

/// An engine whose life is an ``EngineLifecycle``: start and shutdown move it, its state gates readiness.
public protocol ManagedEngine: Sendable {
    var lifecycle: EngineLifecycle { get }
}

extension ManagedEngine {
    public func start() {
        lifecycle.move(to: .active)
    }

    public func shutdown() {
        lifecycle.move(to: .shutdown)
    }

    public var engineState: EngineState {
        lifecycle.state
    }
}
