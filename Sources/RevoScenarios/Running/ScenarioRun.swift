public import RevoCore
public import RevoSim

/// Everything a scenario run produced, in either mode, before judging.
public struct ScenarioRun: Sendable {
    public var scenario: Scenario
    public var seed: UInt64
    public var metrics: MetricsRecorder
    public var faults: [FaultInjector.Tally]
    public var digest: String
    public var statistics: SimulationStatistics
    /// Acknowledged memory writes found neither in the primary store nor in the outbox at the end.
    public var lostWrites: [String]
    /// WebSocket conversations holding more user messages than their client had answered.
    public var duplicatedMessages: [String]
    public var endedAt: Duration
    /// Run by the live runner on the wall clock (no simulation digest; reproduced with `--mode live`).
    public var live = false
    /// What the system reported (circuits, outbox replays), with when; nil when the run could not hear it (live).
    public var systemEvents: [(at: Duration, event: SystemEvent)]?
    /// What the live run's probes found (none in the simulation).
    public var probes: [Probe.Result] = []
    /// What the live run's browser probes found; nil when no browser ran (the simulation), so browser checks are
    /// left out of the verdict rather than judged on nothing.
    public var browserProbes: [Probe.Result]?
    /// Requests the workload's clients sent (token refreshes included).
    public var requestCount: Int { metrics.records.count }
    /// Whether ``lostWrites`` was looked up (a live run against a server whose database it was not given cannot).
    public var writesVerified = true

    package init(
        scenario: Scenario,
        seed: UInt64,
        metrics: MetricsRecorder,
        faults: [FaultInjector.Tally],
        digest: String,
        statistics: SimulationStatistics,
        lostWrites: [String],
        duplicatedMessages: [String],
        endedAt: Duration,
        live: Bool = false
    ) {
        self.scenario = scenario
        self.seed = seed
        self.metrics = metrics
        self.faults = faults
        self.digest = digest
        self.statistics = statistics
        self.lostWrites = lostWrites
        self.duplicatedMessages = duplicatedMessages
        self.endedAt = endedAt
        self.live = live
    }
}
