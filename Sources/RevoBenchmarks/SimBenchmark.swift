public import RevoScenarios

/// How fast the simulation runs a scenario on one core: its requests and the median wall time of `rounds` runs (the
/// run alone: judging and reports are not timed).
public struct SimBenchmark: Sendable {
    public struct Row: Sendable {
        public var scenario: String
        public var requests: Int
        public var wall: Duration
        /// The scenario's simulated length; nil for a total.
        public var simulated: Duration?

        public var requestsPerSecond: Double { Double(requests) / max(wall.seconds, 1e-9) }
        public var compression: Double? { simulated.map { $0.seconds / max(wall.seconds, 1e-9) } }

        public init(scenario: String, requests: Int, wall: Duration, simulated: Duration?) {
            self.scenario = scenario
            self.requests = requests
            self.wall = wall
            self.simulated = simulated
        }
    }

    public var rounds: Int

    public init(rounds: Int) {
        self.rounds = rounds
    }

    public func measure(_ scenario: Scenario) throws(SimRunner.Failure) -> Row {
        var walls: [Duration] = []
        var requests = 0
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            let run = try SimRunner().run(scenario)
            walls.append(ContinuousClock.now - start)
            requests = run.requestCount
        }
        return Row(scenario: scenario.name, requests: requests, wall: walls.sorted()[walls.count / 2], simulated: scenario.duration)
    }
}
