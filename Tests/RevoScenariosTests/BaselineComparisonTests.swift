import Testing

@testable import RevoScenarios

@Suite("Baselines and shards")
struct BaselineComparisonTests {
    static func report() async throws -> RunReport {
        let scenario = try RunnerTests.scenario("checks:\n  - \"errors: rate < 0.01\"", name: "cmp")
        return RunReport(revo: "test", mode: "sim", scenarios: [try await RunnerTests.report(scenario)], run: nil)
    }

    @Test("identical runs have no differences; a worse p95, error rate or verdict is a regression")
    func regressions() async throws {
        let baseline = try await Self.report()
        #expect(BaselineComparison().compare(baseline: baseline, current: baseline).isEmpty)

        var worse = baseline
        worse.scenarios[0].metrics.latency[0].p95Milliseconds *= 1.03
        worse.scenarios[0].metrics.errorRate = 0.02
        worse.scenarios[0].verdict = .fail
        let differences = BaselineComparison().compare(baseline: baseline, current: worse)
        #expect(
            differences.filter { $0.kind == .regression }.map(\.metric).sorted()
                == [
                    "error rate", "p95 \(worse.scenarios[0].metrics.latency[0].route)/\(worse.scenarios[0].metrics.latency[0].provider) ms",
                    "verdict",
                ].sorted()
        )

        // A 5% tolerance absorbs the 3% latency change but not the rest.
        let tolerant = BaselineComparison(tolerance: 0.05).compare(baseline: baseline, current: worse)
        #expect(tolerant.filter { $0.kind == .regression }.map(\.metric).sorted() == ["error rate", "verdict"])

        var better = baseline
        better.scenarios[0].metrics.latency[0].p95Milliseconds /= 2
        #expect(BaselineComparison().compare(baseline: baseline, current: better).map(\.kind) == [.improvement])

        let missing = RunReport(revo: "test", mode: "sim", scenarios: [], run: nil)
        #expect(BaselineComparison().compare(baseline: baseline, current: missing).first?.metric == "scenario")
    }

    @Test("merging shards keeps every scenario once, in file order, with the worst verdict")
    func merge() async throws {
        var a = try await Self.report()
        var b = a
        a.scenarios[0].file = "b.yaml"
        b.scenarios[0].file = "a.yaml"
        b.scenarios[0].verdict = .unknown
        let merged = BaselineComparison.merge([
            RunReport(revo: "t", mode: "sim", scenarios: a.scenarios, run: nil), RunReport(revo: "t", mode: "sim", scenarios: b.scenarios, run: nil),
        ])
        #expect(merged.scenarios.map(\.file) == ["a.yaml", "b.yaml"])
        #expect(merged.verdict == .unknown)
    }
}

@Suite("Exact baselines")
struct ExactBaselineTests {
    @Test("any difference is found: a digest, a check's value, an improvement, a value on one side only")
    func everyDifference() async throws {
        let baseline = try await BaselineComparisonTests.report()
        #expect(BaselineComparison().exact(baseline: baseline, current: baseline).isEmpty)

        var changed = baseline
        changed.scenarios[0].simulation.digest = "0000000000000000"
        changed.scenarios[0].checks[0].observed = "rate=0.0001"
        changed.scenarios[0].metrics.latency[0].p95Milliseconds /= 2
        changed.scenarios[0].metrics.providers["new-provider"] = 1
        let differences = BaselineComparison().exact(baseline: baseline, current: changed)
        let series = "\(baseline.scenarios[0].metrics.latency[0].route)/\(baseline.scenarios[0].metrics.latency[0].provider)"
        #expect(
            Set(differences.map(\.metric))
                == [
                    "simulation.digest", "checks[errors: rate < 0.01].observed", "metrics.latency[\(series)].p95Milliseconds",
                    "metrics.providers.new-provider",
                ]
        )
        #expect(differences.first { $0.metric.hasSuffix("p95Milliseconds") }?.kind == .improvement)
        #expect(differences.first { $0.metric == "metrics.providers.new-provider" }?.baseline == "(absent)")

        var worse = baseline
        worse.scenarios[0].checks[0].verdict = .fail
        #expect(BaselineComparison().exact(baseline: baseline, current: worse).map(\.kind) == [.regression])
    }
}
