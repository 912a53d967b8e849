/// Everything one `revo run` wrote: the scenarios' reports and, apart, the facts that depend on the wall clock.
public struct RunReport: Sendable, Codable, Equatable {
    /// Wall-clock facts, excluded when comparing runs for determinism.
    public struct WallClock: Sendable, Codable, Equatable {
        public struct Entry: Sendable, Codable, Equatable {
            public var scenario: String
            public var seed: UInt64
            public var wallSeconds: Double
            /// Simulated seconds per wall second.
            public var compression: Double

            public init(scenario: String, seed: UInt64, wallSeconds: Double, compression: Double) {
                self.scenario = scenario
                self.seed = seed
                self.wallSeconds = wallSeconds
                self.compression = compression
            }
        }

        public var startedAt: String
        public var wallSeconds: Double
        public var jobs: Int
        public var shard: String?
        public var scenarios: [Entry]

        public init(startedAt: String, wallSeconds: Double, jobs: Int, shard: String?, scenarios: [Entry]) {
            self.startedAt = startedAt
            self.wallSeconds = wallSeconds
            self.jobs = jobs
            self.shard = shard
            self.scenarios = scenarios
        }
    }

    public var revo: String
    public var mode: String
    public var verdict: ScenarioReport.Verdict
    public var scenarios: [ScenarioReport]
    public var run: WallClock?

    public init(revo: String, mode: String, scenarios: [ScenarioReport], run: WallClock?) {
        self.revo = revo
        self.mode = mode
        self.scenarios = scenarios
        self.verdict = scenarios.map(\.verdict).max() ?? .unknown
        self.run = run
    }
}
