import Foundation

/// The Mann-Whitney U test (Wilcoxon rank-sum): whether one set of timings tends to be larger than another, without
/// assuming they are normal — the test Google Benchmark's compare.py runs on interleaved repetitions. Exact for small
/// samples without ties; the normal approximation with tie and continuity corrections otherwise.
public struct MannWhitney: Sendable, Equatable {
    /// U of the first sample: how many (first, second) pairs have the first larger, ties counting a half.
    public var u: Double
    /// Two-sided p-value: the chance of a U at least this far from its mean if both samples came from one distribution.
    public var pValue: Double
    /// Whether the p-value came from the exact distribution.
    public var exact: Bool

    /// Samples of fewer than this many values each, without ties, get the exact distribution.
    static let exactLimit = 20

    public init(_ first: [Double], _ second: [Double]) {
        let n1 = first.count
        let n2 = second.count
        guard n1 > 0, n2 > 0 else {
            self.init(u: 0, pValue: 1, exact: true)
            return
        }
        let (ranks, tieGroups) = Self.ranks(first + second)
        let rankSum = ranks.prefix(n1).reduce(0, +)
        let u = rankSum - Double(n1 * (n1 + 1)) / 2
        if tieGroups.isEmpty, n1 < Self.exactLimit, n2 < Self.exactLimit {
            self.init(u: u, pValue: Self.exactTwoSided(u: u, n1: n1, n2: n2), exact: true)
        } else {
            self.init(u: u, pValue: Self.normalTwoSided(u: u, n1: n1, n2: n2, tieGroups: tieGroups), exact: false)
        }
    }

    private init(u: Double, pValue: Double, exact: Bool) {
        self.u = u
        self.pValue = min(1, pValue)
        self.exact = exact
    }

    /// Ranks from 1, ties given their mean rank; and the size of each group of ties.
    static func ranks(_ values: [Double]) -> (ranks: [Double], tieGroups: [Int]) {
        let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
        var ranks = [Double](repeating: 0, count: values.count)
        var groups: [Int] = []
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
            let mean = Double(start + end) / 2 + 1
            for position in start...end { ranks[order[position]] = mean }
            if end > start { groups.append(end - start + 1) }
            start = end + 1
        }
        return (ranks, groups)
    }

    /// P(|U - mean| >= |u - mean|) under the null, counting the arrangements that give each U.
    static func exactTwoSided(u: Double, n1: Int, n2: Int) -> Double {
        // counts[i][j][k]: arrangements of i first and j second values with U = k.
        let maximum = n1 * n2
        var previous = [[Double]](repeating: [Double](repeating: 0, count: maximum + 1), count: n2 + 1)
        for j in 0...n2 { previous[j][0] = 1 }
        for _ in 1...n1 {
            var current = [[Double]](repeating: [Double](repeating: 0, count: maximum + 1), count: n2 + 1)
            current[0][0] = 1
            for j in 1...n2 {
                for k in 0...maximum {
                    // The largest value is a first-sample one (it beats all j second values) or a second-sample one.
                    let fromFirst = k >= j ? previous[j][k - j] : 0
                    current[j][k] = fromFirst + current[j - 1][k]
                }
            }
            previous = current
        }
        let counts = previous[n2]
        let total = counts.reduce(0, +)
        let mean = Double(maximum) / 2
        let distance = abs(u - mean)
        let extreme = counts.indices.filter { abs(Double($0) - mean) >= distance - 1e-9 }.reduce(0.0) { $0 + counts[$1] }
        return extreme / total
    }

    static func normalTwoSided(u: Double, n1: Int, n2: Int, tieGroups: [Int]) -> Double {
        let n = Double(n1 + n2)
        let mean = Double(n1 * n2) / 2
        let ties = tieGroups.reduce(0.0) { $0 + Double($1 * $1 * $1 - $1) }
        let variance = Double(n1 * n2) / 12 * ((n + 1) - ties / (n * (n - 1)))
        guard variance > 0 else { return 1 }
        let z = max(0, abs(u - mean) - 0.5) / variance.squareRoot()
        return erfc(z / 2.0.squareRoot())
    }
}
