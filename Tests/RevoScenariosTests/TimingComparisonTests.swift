import Testing

@testable import RevoScenarios

@Suite("Mann-Whitney U and timing comparisons")
struct TimingComparisonTests {
    /// SciPy's documented example (`scipy.stats.mannwhitneyu`): U = 17, exact p = 1/9, asymptotic p = 0.111346886533.
    @Test("U and p match SciPy's documented example, exact and asymptotic")
    func scipyExample() {
        let males: [Double] = [19, 22, 16, 29, 24]
        let females: [Double] = [20, 11, 17, 12]
        let test = MannWhitney(males, females)
        #expect(test.u == 17)
        #expect(test.exact)
        #expect(abs(test.pValue - 1.0 / 9) < 1e-12)
        #expect(abs(MannWhitney.normalTwoSided(u: 17, n1: 5, n2: 4, tieGroups: []) - 0.11134688653314041) < 1e-9)
    }

    @Test("fully separated samples of 9 each: p is 2 in C(18, 9); identical ones: p is 1")
    func extremes() {
        let low = (1...9).map(Double.init)
        let high = (11...19).map(Double.init)
        #expect(abs(MannWhitney(high, low).pValue - 2.0 / 48_620) < 1e-15)
        #expect(MannWhitney(high, low).u == 81)
        let same = MannWhitney(low, low)
        #expect(!same.exact)
        #expect(same.pValue == 1)
    }

    @Test("ties get mean ranks and the tie-corrected normal approximation")
    func ties() {
        let ranks = MannWhitney.ranks([3, 1, 3, 2])
        #expect(ranks.ranks == [3.5, 1, 3.5, 2])
        #expect(ranks.tieGroups == [2])
        let test = MannWhitney([1, 2, 2, 3, 4, 5, 6, 7, 8], [2, 3, 3, 4, 5, 6, 7, 8, 9])
        #expect(!test.exact)
        #expect(test.pValue > 0.3 && test.pValue < 1)
    }

    @Test("a slower candidate regresses, a faster one improves, noise and small effects are the same")
    func verdicts() {
        let baseline: [Double] = [1000, 1010, 990, 1005, 995, 1002, 998, 1008, 992]
        let slower = baseline.map { $0 * 0.9 }
        let faster = baseline.map { $0 * 1.1 }
        let shuffled: [Double] = [1001, 1009, 991, 1004, 996, 1003, 997, 1007, 993]
        #expect(TimingComparison(baseline: baseline, candidate: slower, better: .higher).verdict == .regressed)
        #expect(TimingComparison(baseline: baseline, candidate: faster, better: .higher).verdict == .improved)
        #expect(TimingComparison(baseline: baseline, candidate: faster, better: .lower).verdict == .regressed)
        #expect(TimingComparison(baseline: baseline, candidate: shuffled, better: .higher).verdict == .same)
        // Significant, but a 2% change is under the 3% minimum effect.
        let small = TimingComparison(baseline: baseline, candidate: baseline.map { $0 * 0.98 }, better: .higher)
        #expect(small.test.pValue < 0.05)
        #expect(small.verdict == .same)
        #expect(abs(small.change + 0.02) < 1e-9)
    }
}
