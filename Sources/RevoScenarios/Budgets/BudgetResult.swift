/// One budget judged: its figure now, against its limit, its baseline and its past.
public struct BudgetResult: Sendable, Codable, Equatable {
    public enum Verdict: String, Sendable, Codable, Equatable {
        /// Within the limit, and not worse than the baseline by more than the tolerance.
        case within = "WITHIN"
        /// Past the limit.
        case over = "OVER"
        /// Within the limit, but worse than the baseline by more than the tolerance.
        case regressed = "REGRESSED"
        /// Nothing measured the figure in this run.
        case unmeasured = "UNMEASURED"

        public var failed: Bool { self == .over || self == .regressed }
    }

    public var name: String
    public var figure: String
    public var unit: String
    public var direction: Budget.Direction
    public var limit: Double
    public var tolerance: String
    public var reason: String
    public var observed: Double?
    /// The share of the budget used: 1 at the limit.
    public var used: Double?
    public var baseline: Double?
    /// `observed - baseline`.
    public var delta: Double?
    /// Earlier values of the figure, oldest first, then this run's.
    public var trend: [Double]
    public var verdict: Verdict

    /// Judges `budget` on this run's figures, the baseline's and the history's last `trendLength` entries.
    public init(_ budget: Budget, figures: [String: Double], baseline: [String: Double]?, history: BudgetHistory, trendLength: Int) {
        name = budget.name
        figure = budget.figure
        unit = budget.unit
        direction = budget.direction
        limit = budget.limit
        tolerance = budget.tolerance.description
        reason = budget.reason
        observed = figures[budget.figure]
        self.baseline = baseline?[budget.figure]
        trend = history.values(of: budget.figure, last: trendLength) + (observed.map { [$0] } ?? [])
        guard let observed else {
            verdict = .unmeasured
            return
        }
        used = budget.used(observed)
        delta = self.baseline.map { observed - $0 }
        if !budget.holds(observed) {
            verdict = .over
        } else if let base = self.baseline, budget.regressed(observed, from: base) {
            verdict = .regressed
        } else {
            verdict = .within
        }
    }
}
