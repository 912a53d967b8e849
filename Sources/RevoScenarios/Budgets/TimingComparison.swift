/// A baseline's and a candidate's repetitions of one timing, measured interleaved in the same job, judged the way
/// Google Benchmark's compare.py judges them: a change counts when the Mann-Whitney U test says the two differ at
/// `alpha` and the medians differ by at least `minimumEffect`, so noise alone fails neither way.
public struct TimingComparison: Sendable, Equatable {
    public enum Better: String, Sendable, Equatable, CaseIterable {
        /// Throughput: more is better.
        case higher
        /// Latency, CPU time: less is better.
        case lower
    }

    public enum Verdict: String, Sendable, Equatable {
        case regressed = "REGRESSED"
        case improved = "IMPROVED"
        /// No difference the test and the effect size both stand behind.
        case same = "SAME"
    }

    public var baselineMedian: Double
    public var candidateMedian: Double
    /// `(candidate - baseline) / baseline` of the medians.
    public var change: Double
    public var test: MannWhitney
    public var alpha: Double
    public var minimumEffect: Double
    public var verdict: Verdict

    /// The fewest repetitions per side the comparison accepts: with fewer, no difference can reach α = 0.05 reliably.
    public static let minimumRepetitions = 9

    public init(baseline: [Double], candidate: [Double], better: Better, alpha: Double = 0.05, minimumEffect: Double = 0.03) {
        baselineMedian = Self.median(baseline)
        candidateMedian = Self.median(candidate)
        change = baselineMedian != 0 ? (candidateMedian - baselineMedian) / abs(baselineMedian) : 0
        test = MannWhitney(candidate, baseline)
        self.alpha = alpha
        self.minimumEffect = minimumEffect
        guard test.pValue < alpha, abs(change) >= minimumEffect else {
            verdict = .same
            return
        }
        let worse = better == .higher ? change < 0 : change > 0
        verdict = worse ? .regressed : .improved
    }

    /// The confidence that the two differ: 1 - p.
    public var confidence: Double { 1 - test.pValue }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
