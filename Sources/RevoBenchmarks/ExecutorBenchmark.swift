import RevoCore
public import RevoSim

/// Raw throughput of the ``SimulationExecutor``: jobs per second (tasks yielding in a loop) and timers per second
/// (tasks sleeping on distinct deadlines), on the calling thread.
///
/// The wall clock is passed in: the executor it measures never reads real time.
public struct ExecutorBenchmark: Sendable {
    public var tasks: Int
    public var yieldsPerTask: Int
    public var sleepsPerTask: Int

    public init(tasks: Int = 1_000, yieldsPerTask: Int = 1_000, sleepsPerTask: Int = 200) {
        self.tasks = tasks
        self.yieldsPerTask = yieldsPerTask
        self.sleepsPerTask = sleepsPerTask
    }

    public struct Result: Sendable {
        public var jobs: Int
        public var jobsWall: Duration
        public var timers: Int
        public var timersWall: Duration

        public var jobsPerSecond: Double { Self.rate(jobs, jobsWall) }
        public var timersPerSecond: Double { Self.rate(timers, timersWall) }

        static func rate(_ count: Int, _ wall: Duration) -> Double {
            let (seconds, attoseconds) = wall.components
            let total = Double(seconds) + Double(attoseconds) / 1e18
            return total > 0 ? Double(count) / total : 0
        }
    }

    public func run<C: Clock<Duration>>(measuredBy wall: C) throws(SimulationError) -> Result {
        let yielding = SimulationExecutor(traceCapacity: 0)
        for _ in 0..<tasks {
            Task(executorPreference: yielding) { [yieldsPerTask] in
                for _ in 0..<yieldsPerTask { await Task.yield() }
            }
        }
        var start = wall.now
        try yielding.run()
        let jobsWall = start.duration(to: wall.now)

        let sleeping = SimulationExecutor(traceCapacity: 0)
        let clock = sleeping.clock
        for index in 0..<tasks {
            Task(executorPreference: sleeping) { [sleepsPerTask] in
                for step in 0..<sleepsPerTask {
                    try await clock.sleep(for: .microseconds((index * 7 + step * 13) % 1_000 + 1))
                }
            }
        }
        start = wall.now
        try sleeping.run()
        let timersWall = start.duration(to: wall.now)

        return Result(
            jobs: yielding.statistics.jobsRun,
            jobsWall: jobsWall,
            timers: sleeping.statistics.timersFired,
            timersWall: timersWall
        )
    }
}
