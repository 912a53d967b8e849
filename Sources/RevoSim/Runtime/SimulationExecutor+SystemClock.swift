public import RevoRuntime

extension SystemClock {
    /// The simulation's virtual time as RevoCore reads it: the executor's elapsed time, its sleeps and its timers as
    /// deadlines. The same times as `SystemClock(executor.clock, deadlines: executor)`, read without going through
    /// the clock's instants, whose arithmetic every read and sleep paid.
    public init(virtualTimeOf executor: SimulationExecutor) {
        self.init(
            elapsed: { executor.elapsed },
            sleeper: { deadline in try await executor.sleep(until: deadline) },
            deadlines: executor
        )
    }
}
