/// A figure the system must stay within, with the margin it may drift by against a baseline and why it exists.
public struct Budget: Sendable, Equatable {
    /// Where the figure comes from.
    public enum Source: Sendable, Equatable {
        /// A threshold judged on a library scenario's simulated run: exact, the same in every process.
        case simulation(scenario: String, threshold: Threshold)
        /// A figure a benchmark measured and wrote to an observations file, e.g. `allocations.chat.stateless`.
        case measured(figure: String)
    }

    /// Which side of the limit is good.
    public enum Direction: String, Sendable, Equatable, Codable {
        /// The figure must stay at or under the limit (latency, allocations, memory).
        case atMost = "max"
        /// The figure must stay at or over the limit (throughput ratios, availability).
        case atLeast = "min"
    }

    /// How far the figure may move the bad way from its baseline before the budget reports a regression.
    public enum Tolerance: Sendable, Equatable, CustomStringConvertible {
        /// In the figure's own unit; `0` for exact figures, where any worsening is a regression.
        case absolute(Double)
        /// A share of the baseline's figure, written `5%`.
        case relative(Double)

        /// The most the figure may worsen from `baseline`.
        func allowance(from baseline: Double) -> Double {
            switch self {
            case .absolute(let amount): amount
            case .relative(let share): abs(baseline) * share
            }
        }

        public var description: String {
            switch self {
            case .absolute(let amount): amount.formattedCompact
            case .relative(let share): (share * 100).formattedCompact + "%"
            }
        }
    }

    public var name: String
    public var source: Source
    public var direction: Direction
    /// The figure's limit; a simulation budget's is its threshold's value.
    public var limit: Double
    /// Whether the limit itself is allowed (`<=`, `>=`) or not (`<`, `>`).
    public var inclusive: Bool
    /// The figure's unit as reports print it: `ms`, `allocations`, `x bare`, or empty for shares and counts.
    public var unit: String
    public var tolerance: Tolerance
    public var reason: String
    /// Where the budget is written, `budgets.yaml:12:5`, for messages.
    public var location: String

    /// Whether `value` is within the limit.
    public func holds(_ value: Double) -> Bool {
        switch (direction, inclusive) {
        case (.atMost, true): value <= limit
        case (.atMost, false): value < limit
        case (.atLeast, true): value >= limit
        case (.atLeast, false): value > limit
        }
    }

    /// The share of the budget the figure uses: 1 at the limit, over 1 past it.
    public func used(_ value: Double) -> Double? {
        switch direction {
        case .atMost: limit > 0 ? value / limit : nil
        case .atLeast: value > 0 ? limit / value : nil
        }
    }

    /// Whether `value` is worse than `baseline` by more than the tolerance.
    public func regressed(_ value: Double, from baseline: Double) -> Bool {
        let allowance = tolerance.allowance(from: baseline)
        switch direction {
        case .atMost: return value > baseline + allowance
        case .atLeast: return value < baseline - allowance
        }
    }
}
