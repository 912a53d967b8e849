/// What must hold on every swarm seed, whatever the faults: invariants, and liveness once every fault has cleared.
public enum SwarmProperty: String, Sendable, Codable, CaseIterable, Comparable {
    case noLostWrites = "no_lost_writes"
    case noDuplicateMessages = "no_duplicate_messages"
    case streamsConsistent = "streams_consistent"
    case errorsWellFormed = "errors_well_formed"
    case historyConsistent = "history_consistent"
    case no5xxForBadInput = "no_5xx_for_bad_input"
    case upstreamBudget = "upstream_budget"
    case answeredByDeadline = "answered_by_deadline"
    case recovers
    /// The simulation ran to its end: no task waited forever with nothing left to wake it.
    case noStall = "no_stall"

    public static func < (lhs: SwarmProperty, rhs: SwarmProperty) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    func applies(to plan: SwarmPlan) -> Bool {
        switch self {
        case .noLostWrites: plan.sends(.memoryStore) || plan.sends(.chatMemory)
        case .noDuplicateMessages: plan.sends(.websocket)
        case .streamsConsistent: plan.sends(.stream) || plan.sends(.websocket)
        case .errorsWellFormed, .upstreamBudget, .noStall: true
        case .historyConsistent: plan.sends(.chat)
        case .no5xxForBadInput: plan.badInput > 0
        case .answeredByDeadline: plan.sends(.chat) || plan.sends(.chatStateless) || plan.sends(.chatMemory)
        case .recovers: plan.judgesLiveness
        }
    }

    /// The scenario check that judges it (none for `no_stall`, which the runner itself reports).
    func check(for plan: SwarmPlan) -> String? {
        switch self {
        case .noLostWrites, .noDuplicateMessages, .streamsConsistent, .errorsWellFormed, .historyConsistent, .answeredByDeadline:
            "invariant: \(rawValue)"
        case .no5xxForBadInput: "\"status{input:bad,code:5xx}: count == 0\""
        case .upstreamBudget: "invariant: {max_upstream_calls_per_request: \(plan.upstreamBudget)}"
        case .recovers: "recovers: {within: \(SwarmFormat.seconds(plan.recoverySeconds))}"
        case .noStall: nil
        }
    }
}
