/// A unit of work for Parallel Mind.
public struct ParallelTask: Sendable, Equatable {
    public var id: String
    public var description: String
    public var input: String
    /// 1 (lowest) to 10 (highest); higher priorities are taken first, equal ones in submission order.
    public var priority: Int

    public init(id: String, description: String, input: String = "", priority: Int = 5) {
        self.id = id
        self.description = description
        self.input = input
        self.priority = min(10, max(1, priority))
    }
}

/// What became of a Parallel Mind task.
public struct ParallelTaskResult: Sendable, Equatable {
    public var taskID: String
    public var output: String?
    public var error: String?
    /// Tries it took (1 = first try succeeded).
    public var attempts: Int
    public var worker: Int
    /// From submission to completion.
    public var latency: Duration

    public var succeeded: Bool { output != nil }
}

/// Why Parallel Mind did not run a task.
public enum ParallelMindError: Error, Sendable, Equatable, CustomStringConvertible {
    case notReady(EngineState)
    case queueFull(capacity: Int)

    public var description: String {
        switch self {
        case .notReady(let state): "parallel mind is not ready (\(state.rawValue))"
        case .queueFull(let capacity): "parallel mind queue is full (\(capacity) tasks)"
        }
    }
}
