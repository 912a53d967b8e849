/// Counters of one ``SimulationExecutor``, for throughput figures and for spotting leaks out of the simulation.
public struct SimulationStatistics: Sendable, Equatable {
    public var jobsRun = 0
    public var timersFired = 0
    public var tasksSpawned = 0
    public var tasksFinished = 0
    /// Jobs enqueued from a thread other than the one running the simulation. Anything above zero means some code
    /// escaped to another executor, and the run may not be reproducible.
    public var foreignEnqueues = 0
    public var pendingTimers = 0
    public var unfinishedTasks = 0
    public var virtualTime = Duration.zero

    public init() {}
}
