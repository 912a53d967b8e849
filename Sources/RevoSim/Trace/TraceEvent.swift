/// One entry of an ``EventTrace``: what happened, when, and in which simulated task.
public struct TraceEvent: Sendable, Equatable, CustomStringConvertible {
    public var time: VirtualClock.Instant
    /// The task id, or 0 for code outside any spawned task.
    public var taskID: UInt64
    public var taskName: String
    public var event: String

    public init(time: VirtualClock.Instant, taskID: UInt64, taskName: String, event: String) {
        self.time = time
        self.taskID = taskID
        self.taskName = taskName
        self.event = event
    }

    public var description: String {
        "\(time) [\(taskName)#\(taskID)] \(event)"
    }
}
