/// Compares a run's report with a baseline. A simulation is deterministic, so ``exact(baseline:current:)`` finds every
/// difference — a digest, a metric, a check's observed value, a value present on one side only — and the gate fails on
/// any of them until the baseline is updated on purpose. ``compare(baseline:current:)`` looks only at the budgets that
/// can regress, with a tolerance: for live runs, whose figures move from run to run.
public struct BaselineComparison: Sendable {
    public struct Difference: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            case regression = "REGRESSION"
            case improvement = "improvement"
            case changed = "changed"
        }

        public var kind: Kind
        public var scenario: String
        public var metric: String
        public var baseline: String
        public var current: String

        public var description: String {
            "\(kind.rawValue): \(scenario): \(metric) \(baseline) → \(current)"
        }
    }

    /// Relative worsening allowed before it counts as a regression (0.05 = 5%).
    public var tolerance: Double

    public init(tolerance: Double = 0) {
        self.tolerance = tolerance
    }

    public func compare(baseline: RunReport, current: RunReport) -> [Difference] {
        var (pairs, differences) = Self.matched(baseline, current)
        for (old, new) in pairs {
            if new.verdict > old.verdict {
                differences.append(
                    .init(kind: .regression, scenario: old.scenario, metric: "verdict", baseline: old.verdict.rawValue, current: new.verdict.rawValue)
                )
            } else if new.verdict < old.verdict {
                differences.append(
                    .init(
                        kind: .improvement,
                        scenario: old.scenario,
                        metric: "verdict",
                        baseline: old.verdict.rawValue,
                        current: new.verdict.rawValue
                    )
                )
            }
            // Lower is better for every compared metric.
            var pairs: [(String, Double, Double)] = [
                ("error rate", old.metrics.errorRate, new.metrics.errorRate),
                ("cost USD", old.metrics.costUSD, new.metrics.costUSD),
                ("max memory MB", old.metrics.maxMemoryMB ?? 0, new.metrics.maxMemoryMB ?? 0),
                ("max upstream calls", Double(old.metrics.maxUpstreamCalls), Double(new.metrics.maxUpstreamCalls)),
            ]
            for series in old.metrics.latency {
                guard let match = new.metrics.latency.first(where: { $0.route == series.route && $0.provider == series.provider }) else { continue }
                pairs.append(("p95 \(series.route)/\(series.provider) ms", series.p95Milliseconds, match.p95Milliseconds))
                pairs.append(("p99 \(series.route)/\(series.provider) ms", series.p99Milliseconds, match.p99Milliseconds))
            }
            for (metric, before, after) in pairs where before != after {
                // Relative tolerance: from a zero baseline any rise is a regression.
                let limit = before * (1 + tolerance)
                let kind: Difference.Kind = after > limit ? .regression : (after < before ? .improvement : .changed)
                differences.append(
                    .init(
                        kind: kind,
                        scenario: old.scenario,
                        metric: metric,
                        baseline: CheckEvaluator.format(before),
                        current: CheckEvaluator.format(after)
                    )
                )
            }
            if old.simulation.digest != new.simulation.digest {
                differences.append(
                    .init(
                        kind: .changed,
                        scenario: old.scenario,
                        metric: "behaviour digest",
                        baseline: old.simulation.digest,
                        current: new.simulation.digest
                    )
                )
            }
        }
        return differences
    }

    /// Every difference between the two runs' scenarios, each marked as a regression, an improvement or a change.
    public func exact(baseline: RunReport, current: RunReport) -> [Difference] {
        var (pairs, differences) = Self.matched(baseline, current)
        for (old, new) in pairs {
            for (path, before, after) in ReportDiff.differences(old, new) {
                differences.append(
                    .init(
                        kind: Self.kind(of: path, before, after),
                        scenario: old.scenario,
                        metric: path,
                        baseline: before ?? "(absent)",
                        current: after ?? "(absent)"
                    )
                )
            }
        }
        for new in current.scenarios where !baseline.scenarios.contains(where: { $0.scenario == new.scenario && $0.seed == new.seed }) {
            differences.append(.init(kind: .changed, scenario: new.scenario, metric: "scenario", baseline: "absent", current: "present"))
        }
        return differences
    }

    /// Better, worse or neither: verdicts by severity, and the figures where less is better (errors, latency, cost,
    /// memory, upstream calls, retries); anything else changed.
    static func kind(of path: String, _ before: String?, _ after: String?) -> Difference.Kind {
        guard let before, let after else { return .changed }
        if path == "verdict" || path.hasSuffix(".verdict"), let old = Self.severity(before), let new = Self.severity(after) {
            return new > old ? .regression : new < old ? .improvement : .changed
        }
        let lowerIsBetter = ["errorRate", "Milliseconds", "costUSD", "maxMemoryMB", "maxMachineMemoryGB", "maxUpstreamCalls", "retries"]
        guard lowerIsBetter.contains(where: { path.hasSuffix($0) }), let old = Double(before), let new = Double(after) else { return .changed }
        return new > old ? .regression : new < old ? .improvement : .changed
    }

    private static func severity(_ verdict: String) -> Int? {
        ["PASS": 0, "UNKNOWN": 1, "NO_DATA": 1, "FAIL": 2][verdict]
    }

    /// Each baseline scenario with the run's report of it (same name and seed), and a regression for each missing.
    private static func matched(_ baseline: RunReport, _ current: RunReport) -> ([(ScenarioReport, ScenarioReport)], [Difference]) {
        var pairs: [(ScenarioReport, ScenarioReport)] = []
        var missing: [Difference] = []
        for old in baseline.scenarios {
            if let new = current.scenarios.first(where: { $0.scenario == old.scenario && $0.seed == old.seed }) {
                pairs.append((old, new))
            } else {
                missing.append(.init(kind: .regression, scenario: old.scenario, metric: "scenario", baseline: "present", current: "missing"))
            }
        }
        return (pairs, missing)
    }

    /// Joins shard reports: every scenario once, in file order, with the wall-clock facts added up.
    public static func merge(_ reports: [RunReport]) -> RunReport {
        let scenarios = reports.flatMap(\.scenarios).sorted { ($0.file, $0.seed) < ($1.file, $1.seed) }
        let runs = reports.compactMap(\.run)
        let wall =
            runs.isEmpty
            ? nil
            : RunReport.WallClock(
                startedAt: runs.map(\.startedAt).min() ?? "",
                wallSeconds: runs.map(\.wallSeconds).max() ?? 0,
                jobs: runs.reduce(0) { $0 + $1.jobs },
                shard: "merged from \(runs.count) shard(s)",
                scenarios: runs.flatMap(\.scenarios)
            )
        return RunReport(revo: reports.first?.revo ?? "", mode: reports.first?.mode ?? "sim", scenarios: scenarios, run: wall)
    }
}
