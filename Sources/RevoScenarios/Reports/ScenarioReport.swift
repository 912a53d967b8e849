import RevoCore
import RevoSim

/// The machine-readable result of one scenario run. Everything in it is a function of the scenario and the seed:
/// two runs with the same seed encode to the same bytes (wall-clock facts live in ``RunReport/run``).
public struct ScenarioReport: Sendable, Codable, Equatable {
    public enum Verdict: String, Sendable, Codable, Equatable, Comparable {
        case pass = "PASS"
        /// A check had no data or a declared fault never fired: nothing failed, but nothing was proven either.
        case unknown = "UNKNOWN"
        case fail = "FAIL"

        private var severity: Int {
            switch self {
            case .pass: 0
            case .unknown: 1
            case .fail: 2
            }
        }

        public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.severity < rhs.severity }
    }

    public struct Fault: Sendable, Codable, Equatable {
        public var id: String
        public var summary: String
        public var fired: Int
        /// [start, end] seconds of each active window.
        public var windows: [[Double]]
        /// Seconds from the fault's last end to the first sample with the service healthy overall; nil when it never
        /// was (or the fault lasts to the end of the run).
        public var recoveredAfterSeconds: Double?
    }

    public struct ErrorCount: Sendable, Codable, Equatable {
        public var error: String
        public var count: Int
    }

    public struct Series: Sendable, Codable, Equatable {
        public var route: String
        public var provider: String
        public var count: Int
        public var p50Milliseconds: Double
        public var p95Milliseconds: Double
        public var p99Milliseconds: Double
        public var maxMilliseconds: Double
    }

    public struct Metrics: Sendable, Codable, Equatable {
        public var requests: Int
        public var succeeded: Int
        public var errorRate: Double
        public var outcomes: [String: Int]
        /// The most frequent error messages (route: message), at most ten, with their counts.
        public var topErrors: [ErrorCount]
        public var providers: [String: Int]
        public var costUSD: Double
        /// The process's memory at its highest, measured (MB); nil when not measured.
        public var maxMemoryMB: Double?
        /// The machine's memory the models held at its highest, as modelled (GB); nil outside the simulation.
        public var maxMachineMemoryGB: Double?
        public var maxUpstreamCalls: Int
        public var retries: Int
        public var latency: [Series]
        public var timeToFirstToken: [Series]
        public var interTokenLatency: [Series]
        /// Execution time of each engine inside coordinated tasks (route: the engine; provider: ok or failed).
        public var engines: [Series]
    }

    public struct Bucket: Sendable, Codable, Equatable {
        public var start: Double
        public var requests: Int
        public var errors: Int
        public var p95Milliseconds: Double?
        public var providers: [String: Int]
    }

    public struct Simulation: Sendable, Codable, Equatable {
        public var digest: String
        public var jobs: Int
        public var timers: Int
        public var tasks: Int
        public var foreignEnqueues: Int
        public var simulatedSeconds: Double
    }

    public var scenario: String
    public var file: String
    public var description: String
    public var seed: UInt64
    public var durationSeconds: Double
    public var verdict: Verdict
    /// Why the verdict is not PASS.
    public var reasons: [String]
    /// The one command that reproduces this run.
    public var reproduce: String
    public var checks: [CheckResult]
    public var faults: [Fault]
    public var metrics: Metrics
    public var bucketSeconds: Double
    public var timeline: [Bucket]
    public var health: [MetricsRecorder.HealthChange]
    public var simulation: Simulation
}

extension ScenarioReport {
    /// Judges a run and summarises it.
    public init(run: ScenarioRun, checks: [CheckResult]) {
        let scenario = run.scenario
        let reasons = Self.reasons(run, checks: checks)
        let (bucketSeconds, timeline) = Self.timeline(run.metrics.records, over: scenario.duration)
        self.init(
            scenario: scenario.name,
            file: scenario.file,
            description: scenario.description,
            seed: run.seed,
            durationSeconds: scenario.duration.seconds,
            verdict: checks.contains { $0.verdict == .fail } ? .fail : (reasons.isEmpty ? .pass : .unknown),
            reasons: reasons,
            reproduce: "swift run revo run \(run.live ? "--mode live " : "")\(scenario.file) --seed \(run.seed)",
            checks: checks,
            faults: Self.faults(run),
            metrics: Self.metrics(run),
            bucketSeconds: bucketSeconds,
            timeline: timeline,
            health: run.metrics.healthChanges,
            simulation: Simulation(
                digest: run.digest,
                jobs: run.statistics.jobsRun,
                timers: run.statistics.timersFired,
                tasks: run.statistics.tasksFinished,
                foreignEnqueues: run.statistics.foreignEnqueues,
                simulatedSeconds: run.endedAt.seconds
            )
        )
    }

    /// Why the scenario did not pass: checks that did not, faults that never fired, jobs that escaped the simulation.
    static func reasons(_ run: ScenarioRun, checks: [CheckResult]) -> [String] {
        var reasons: [String] = []
        for check in checks where check.verdict != .pass {
            reasons.append("\(check.verdict.rawValue): \(check.check) (\(check.observed))")
        }
        for tally in run.faults where tally.fired == 0 {
            reasons.append("UNKNOWN: fault \(tally.fault.id) (\(tally.fault.summary)) never fired")
        }
        if run.statistics.foreignEnqueues > 0 {
            reasons.append("UNKNOWN: \(run.statistics.foreignEnqueues) job(s) escaped the simulation")
        }
        return reasons
    }

    static func faults(_ run: ScenarioRun) -> [Fault] {
        run.faults.map { tally in
            Fault(
                id: tally.fault.id,
                summary: tally.fault.summary,
                fired: tally.fired,
                windows: tally.fault.windows(until: run.scenario.duration).map { [$0.lowerBound.seconds, $0.upperBound.seconds] },
                recoveredAfterSeconds: CheckEvaluator.recovery(of: "overall", after: tally.fault, run: run).flatMap { recovery in
                    recovery.healthyAt.map { CheckEvaluator.round(($0 - recovery.end).seconds) }
                }
            )
        }
    }

    static func metrics(_ run: ScenarioRun) -> Metrics {
        let records = run.metrics.records
        var outcomes: [String: Int] = [:]
        var providers: [String: Int] = [:]
        for record in records {
            outcomes[record.outcome.rawValue, default: 0] += 1
            if record.succeeded, let provider = record.provider { providers[provider.rawValue, default: 0] += 1 }
        }
        let succeeded = records.filter(\.succeeded).count
        return Metrics(
            requests: records.count,
            succeeded: succeeded,
            errorRate: records.isEmpty ? 0 : CheckEvaluator.round(Double(records.count - succeeded) / Double(records.count)),
            outcomes: outcomes,
            topErrors: topErrors(records),
            providers: providers,
            costUSD: CheckEvaluator.round(records.reduce(0) { $0 + $1.costUSD }),
            maxMemoryMB: run.metrics.memorySamples.compactMap(\.processBytes).max().map { CheckEvaluator.round(Double($0) / 1_048_576) },
            maxMachineMemoryGB: run.metrics.memorySamples.compactMap(\.machineBytes).max().map { CheckEvaluator.round($0.gigabytes) },
            maxUpstreamCalls: records.map(\.upstreamCalls).max() ?? 0,
            retries: records.reduce(0) { $0 + $1.retries },
            latency: series(records.map { ($0, $0.latency) }),
            timeToFirstToken: series(records.compactMap { record in record.timeToFirstToken.map { (record, $0) } }),
            interTokenLatency: series(records.compactMap { record in record.interTokenLatency.map { (record, $0) } }),
            engines: engineSeries(records)
        )
    }

    /// The ten most frequent failures, by operation and detail.
    static func topErrors(_ records: [RequestRecord]) -> [ErrorCount] {
        var errorCounts: [String: Int] = [:]
        for record in records where !record.succeeded {
            errorCounts["\(record.operation.rawValue): \(String((record.detail ?? record.outcome.rawValue).prefix(160)))", default: 0] += 1
        }
        return errorCounts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(10).map { ErrorCount(error: $0.key, count: $0.value) }
    }

    /// One series per route and provider, in that order.
    static func series(_ samples: [(RequestRecord, Duration)]) -> [Series] {
        var keys: [(String, String)] = []
        for (record, _) in samples {
            let key = (record.operation.rawValue, record.provider?.rawValue ?? "none")
            if !keys.contains(where: { $0 == key }) { keys.append(key) }
        }
        return keys.sorted { $0 < $1 }.map { key in
            Series(
                route: key.0,
                provider: key.1,
                durations: samples.filter { ($0.0.operation.rawValue, $0.0.provider?.rawValue ?? "none") == key }.map(\.1)
            )
        }
    }

    /// About 120 buckets over the run: requests, errors, p95 and the answering providers of each.
    static func timeline(_ records: [RequestRecord], over duration: Duration) -> (bucketSeconds: Double, buckets: [Bucket]) {
        let bucketSeconds = max(1, (duration.seconds / 120).rounded(.up))
        let bucketCount = Int((duration.seconds / bucketSeconds).rounded(.up))
        var buckets = (0..<bucketCount).map {
            Bucket(start: Double($0) * bucketSeconds, requests: 0, errors: 0, p95Milliseconds: nil, providers: [:])
        }
        var bucketLatencies = [[Duration]](repeating: [], count: bucketCount)
        for record in records {
            let index = min(bucketCount - 1, max(0, Int(record.intendedAt.seconds / bucketSeconds)))
            buckets[index].requests += 1
            if !record.succeeded { buckets[index].errors += 1 }
            if record.succeeded, let provider = record.provider { buckets[index].providers[provider.rawValue, default: 0] += 1 }
            bucketLatencies[index].append(record.latency)
        }
        for index in buckets.indices where !bucketLatencies[index].isEmpty {
            buckets[index].p95Milliseconds = LatencyHistogram(bucketLatencies[index]).milliseconds(at: 95)
        }
        return (bucketSeconds, buckets)
    }
}

extension ScenarioReport.Series {
    /// Percentiles from an HdrHistogram; the maximum exact (the histogram rounds to three significant digits).
    init(route: String, provider: String, durations: [Duration]) {
        let histogram = LatencyHistogram(durations)
        self.init(
            route: route,
            provider: provider,
            count: histogram.count,
            p50Milliseconds: histogram.milliseconds(at: 50),
            p95Milliseconds: histogram.milliseconds(at: 95),
            p99Milliseconds: histogram.milliseconds(at: 99),
            maxMilliseconds: CheckEvaluator.round(Double(durations.max()?.nanoseconds ?? 0) / 1_000_000)
        )
    }
}

extension ScenarioReport {
    static func engineSeries(_ records: [RequestRecord]) -> [Series] {
        let times = records.flatMap(\.engineTimes)
        var keys: [(EngineKind, Bool)] = []
        for time in times where !keys.contains(where: { $0 == (time.engine, time.succeeded) }) { keys.append((time.engine, time.succeeded)) }
        return keys.sorted { ($0.0, $0.1 ? 0 : 1) < ($1.0, $1.1 ? 0 : 1) }.map { key in
            Series(
                route: key.0.rawValue,
                provider: key.1 ? "ok" : "failed",
                durations: times.filter { ($0.engine, $0.succeeded) == key }.map(\.duration)
            )
        }
    }
}

extension CheckEvaluator {
    /// Four decimals: enough for rates and dollars, and immune to float-printing noise in reports.
    static func round(_ value: Double) -> Double {
        (value * 10_000).rounded() / 10_000
    }
}
