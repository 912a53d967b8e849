/// Runs swarm plans on the simulation and judges their properties.
public struct SwarmRunner: Sendable {
    /// One property that did not hold, and what was seen.
    public struct Violation: Sendable, Equatable, Codable {
        public var property: SwarmProperty
        public var observed: String
        public var detail: String?

        public init(property: SwarmProperty, observed: String, detail: String? = nil) {
            self.property = property
            self.observed = observed
            self.detail = detail
        }
    }

    /// What one plan's run showed.
    public struct Outcome: Sendable {
        public var plan: SwarmPlan
        public var violations: [Violation]
        /// Why liveness was not judged (a fault never clears), when it was not.
        public var unrecoverable: String?
        public var requests: Int

        public var failed: Bool { !violations.isEmpty }

        public init(plan: SwarmPlan, violations: [Violation], unrecoverable: String? = nil, requests: Int) {
            self.plan = plan
            self.violations = violations
            self.unrecoverable = unrecoverable
            self.requests = requests
        }

        public func violates(_ property: SwarmProperty) -> Bool {
            violations.contains { $0.property == property }
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        /// The drawn file does not load: a defect of the swarm space or of the swarm itself.
        case invalidPlan(ScenarioError, yaml: String)

        public var description: String {
            switch self {
            case .invalidPlan(let error, let yaml): "a drawn scenario does not load: \(error)\n\(yaml)"
            }
        }
    }

    public init() {}

    public func run(_ plan: SwarmPlan) throws(Failure) -> Outcome {
        let name = SwarmFormat.scenarioName("swarm-\(plan.space)-\(plan.seed)")
        let yaml = plan.scenarioYAML(name: name, note: "drawn by revo swarm")
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.parse(yaml, file: name + ".yaml")
        } catch {
            throw .invalidPlan(error, yaml: yaml)
        }
        let unrecoverable = plan.faults.first { $0.lengthSeconds == nil }.map { "\($0.id) (\($0.what) on \($0.target)) never clears" }
        let run: ScenarioRun
        do {
            run = try SimRunner().run(scenario)
        } catch {
            let stall = Violation(property: .noStall, observed: "the simulation stalled", detail: "\(error)")
            return Outcome(plan: plan, violations: [stall], unrecoverable: unrecoverable, requests: 0)
        }
        let results = CheckEvaluator().evaluate(run)
        let judged = plan.properties.filter { $0.check(for: plan) != nil }
        let violations = zip(judged, results).compactMap { property, result in
            result.verdict == .fail ? Violation(property: property, observed: result.observed, detail: result.detail) : nil
        }
        return Outcome(plan: plan, violations: violations, unrecoverable: unrecoverable, requests: run.requestCount)
    }
}
