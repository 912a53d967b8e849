/// Shrinks a failing plan to a small one that still fails the same property, deterministically: it tries simpler
/// plans in a fixed order (drop a fault, shorten or weaken one, lower the rate, shorten the run, drop an operation)
/// and keeps the first that still fails, until none does or the budget runs out (Hypothesis' greedy shrinking).
public struct Shrinker: Sendable {
    public struct Result: Sendable {
        public var plan: SwarmPlan
        public var outcome: SwarmRunner.Outcome
        /// Plans run while shrinking, and how many were kept.
        public var tried: Int
        public var kept: Int
        /// The budget ran out before no simpler plan failed.
        public var cutShort: Bool
    }

    public let runner: SwarmRunner
    /// Stops trying when this returns true (a time budget, checked between runs).
    public let outOfTime: @Sendable () -> Bool
    /// Told each time a simpler plan still fails.
    public let progress: @Sendable (String) -> Void

    public init(
        runner: SwarmRunner = SwarmRunner(),
        outOfTime: @escaping @Sendable () -> Bool,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.runner = runner
        self.outOfTime = outOfTime
        self.progress = progress
    }

    public func shrink(_ failing: SwarmRunner.Outcome, keeping property: SwarmProperty) throws(SwarmRunner.Failure) -> Result {
        var best = failing
        var tried = 0
        var kept = 0
        search: while true {
            for (step, candidate) in Self.candidates(of: best.plan) {
                if outOfTime() { return Result(plan: best.plan, outcome: best, tried: tried, kept: kept, cutShort: true) }
                tried += 1
                let outcome = try runner.run(candidate)
                guard outcome.violates(property) else { continue }
                best = outcome
                kept += 1
                progress(
                    "seed \(failing.plan.seed): \(property.rawValue) still fails after '\(step)': \(candidate.faults.count) fault(s), "
                        + "\(SwarmFormat.seconds(candidate.durationSeconds)) at \(SwarmFormat.number(candidate.rate))/s"
                )
                continue search
            }
            return Result(plan: best.plan, outcome: best, tried: tried, kept: kept, cutShort: false)
        }
    }

    /// Simpler plans, the biggest simplifications first.
    static func candidates(of plan: SwarmPlan) -> [(step: String, plan: SwarmPlan)] {
        var candidates: [(step: String, plan: SwarmPlan)] = []
        func with(_ step: String, _ change: (inout SwarmPlan) -> Void) {
            var copy = plan
            change(&copy)
            if copy != plan { candidates.append((step, copy)) }
        }
        for (index, fault) in plan.faults.enumerated() { with("drop \(fault.id)") { $0.faults.remove(at: index) } }
        with("end after the last fault") { $0.durationSeconds = min($0.durationSeconds, shortest(of: $0)) }
        with("halve the run") { $0.durationSeconds = max(shortest(of: $0), $0.durationSeconds / 2) }
        for (index, fault) in plan.faults.enumerated() {
            with("weaken \(fault.id)") { $0.faults[index] = weakened(fault) }
            with("shorten \(fault.id)") { if let length = fault.lengthSeconds { $0.faults[index].lengthSeconds = max(1, length / 2) } }
            with("start \(fault.id) earlier") { $0.faults[index].atSeconds /= 2 }
            with("let \(fault.id) clear") {
                if fault.lengthSeconds == nil { $0.faults[index].lengthSeconds = plan.durationSeconds - fault.atSeconds }
            }
        }
        with("halve the rate") { $0.rate = max(0.25, ($0.rate * 50).rounded() / 100) }
        if plan.mix.count > 1 {
            for (index, entry) in plan.mix.enumerated() { with("stop sending \(entry.operation.rawValue)") { $0.mix.remove(at: index) } }
        }
        with("no bad input") { $0.badInput = 0 }
        return candidates
    }

    /// The shortest run that still holds every fault and, when liveness is judged, the recovery after the last.
    static func shortest(of plan: SwarmPlan) -> Int {
        let end = plan.faults.map { $0.endSeconds ?? $0.atSeconds + 1 }.max() ?? 0
        return max(30, end + (plan.judgesLiveness ? plan.recoverySeconds : 10))
    }

    /// One step weaker: a hang becomes a slow answer, a slow answer or an outage an error rate, an error rate half
    /// as likely; a cut stream is cut later.
    static func weakened(_ fault: SwarmPlan.Fault) -> SwarmPlan.Fault {
        var weaker = fault
        switch fault.what {
        case "timeout":
            weaker.what = "latency"
            weaker.latencyMilliseconds = 2_000
        case "latency" where (fault.latencyMilliseconds ?? 0) > 100:
            weaker.latencyMilliseconds = (fault.latencyMilliseconds ?? 0) / 2
        case "latency", "outage":
            weaker.what = "error_rate"
            weaker.latencyMilliseconds = nil
            weaker.errorRate = 0.5
        case "error_rate" where (fault.errorRate ?? 0) > 0.05:
            weaker.errorRate = ((fault.errorRate ?? 0) * 50).rounded() / 100
        case "disconnect", "stream_stall", "stream_error_event", "stream_malformed_event":
            weaker.afterTokens = (fault.afterTokens ?? 0) * 2 + 1
        default:
            break
        }
        return weaker
    }
}
