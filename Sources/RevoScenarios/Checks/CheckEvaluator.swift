import RevoCore
import RevoSim

/// A check's verdict. No data is its own verdict, never a pass.
public enum CheckVerdict: String, Sendable, Codable, Equatable {
    case pass = "PASS"
    case fail = "FAIL"
    case noData = "NO_DATA"
}

/// One judged check.
public struct CheckResult: Sendable, Codable, Equatable {
    public var check: String
    public var verdict: CheckVerdict
    /// What was measured, e.g. `p(95)=812.4ms`.
    public var observed: String
    public var detail: String?
    /// A threshold's measured figure in its metric's unit (ms, a share, a count), for budgets and other readers.
    public var value: Double? = nil
}

/// Judges a scenario's checks against what a run recorded.
public struct CheckEvaluator: Sendable {
    public init() {}

    public func evaluate(_ run: ScenarioRun) -> [CheckResult] {
        let records = run.metrics.records
        return run.scenario.checks.filter { run.browserProbes != nil || !$0.needsBrowser }.map { check in
            switch check {
            case .threshold(let threshold): return measure(threshold, in: run)
            case .health(let service, let during, let within): return health(service, during: during, within: within, run: run, check: check)
            case .recovers(let service, let fault, let within, let latency):
                return recovers(service, after: fault, within: within, latency: latency, records: records, run: run, check: check)
            case .sometimes(let assertion): return events(assertion, wanted: true, records: records, run: run, check: check)
            case .never(let assertion): return events(assertion, wanted: false, records: records, run: run, check: check)
            case .healthState(let service, let status, let scope, let reason):
                return healthState(service, status: status, scope: scope, reasonContains: reason, run: run, check: check)
            case .reachable(let provider, let scope):
                return scoped(scope, records, run: run, check: check) { considered in reachable(provider, records: considered, check: check) }
            case .noLostWrites: return noLostWrites(run: run, check: check)
            case .scaling(let workers, let within, let after): return scaling(to: workers, within: within, after: after, run: run, check: check)
            case .noDuplicateMessages: return noDuplicateMessages(run: run, check: check)
            case .streamsConsistent: return streamsConsistent(run: run, check: check)
            case .probe(let probe): return judged(run.probes.first { $0.name == probe.name }, missing: "not sent", check: check)
            case .browser(let probe): return judged(run.browserProbes?.first { $0.name == probe.name }, missing: "not run", check: check)
            case .historyConsistent: return historyConsistent(records, check: check)
            case .answeredByDeadline: return answeredByDeadline(records, run: run, check: check)
            case .errorsWellFormed: return errorsWellFormed(records, check: check)
            case .maxUpstreamCalls(let limit, let scope):
                return scoped(scope, records, run: run, check: check) { considered in maxUpstreamCalls(limit, records: considered, check: check) }
            }
        }
    }

    // MARK: Thresholds

    /// One threshold judged on a run, whether or not the scenario declares it: how budgets are measured.
    public func measure(_ threshold: Threshold, in run: ScenarioRun) -> CheckResult {
        scoped(threshold.scope, run.metrics.records, run: run, check: .threshold(threshold)) { considered in
            evaluate(threshold, records: considered, run: run)
        }
    }

    func evaluate(_ threshold: Threshold, records: [RequestRecord], run: ScenarioRun) -> CheckResult {
        // Bad input sent on purpose is judged only where a check asks for it (input:bad or input:any); `code` selects
        // the answers a status check counts, not the requests it counts them among.
        // `provider` names whose calls are counted, not which provider answered.
        var filters = threshold.tags.filter {
            $0.key != "window" && !(threshold.metric == .status && $0.key == "code") && !(threshold.metric == .calls && $0.key == "provider")
        }
        if threshold.tag("input") == nil { filters.append(("input", "good")) }
        let selected = records.filter { record in filters.allSatisfy { record.matches($0.key, $0.value) } }
        func result(_ value: Double?, _ unit: String = "", noData: String = "no matching requests") -> CheckResult {
            guard let value else { return CheckResult(check: threshold.source, verdict: .noData, observed: noData) }
            let holds = threshold.comparison.holds(value, threshold.value)
            return CheckResult(
                check: threshold.source,
                verdict: holds ? .pass : .fail,
                observed: "\(threshold.aggregate)=\(Self.format(value))\(unit)",
                value: value.isFinite ? value : nil
            )
        }
        switch threshold.metric {
        case .latency, .ttft, .itl:
            let samples: [Duration]
            switch threshold.metric {
            case .latency: samples = selected.map(\.latency)
            case .ttft: samples = selected.compactMap(\.timeToFirstToken)
            default: samples = selected.compactMap(\.interTokenLatency)
            }
            guard !samples.isEmpty else { return result(nil) }
            let histogram = LatencyHistogram(samples)
            switch threshold.aggregate.kind {
            case .percentile: return result(histogram.milliseconds(at: threshold.aggregate.percentile), "ms")
            case .avg: return result(histogram.meanMilliseconds, "ms")
            // Extremes are exact: the histogram rounds to three significant digits.
            case .min: return result(samples.min().map { Double($0.nanoseconds) / 1_000_000 }, "ms")
            case .max: return result(samples.max().map { Double($0.nanoseconds) / 1_000_000 }, "ms")
            default: return result(Double(samples.count))
            }
        case .upstreamCalls:
            let values = selected.map { Double($0.upstreamCalls) }.sorted()
            guard !values.isEmpty else { return result(nil) }
            switch threshold.aggregate.kind {
            case .percentile: return result(values[Int((Double(values.count - 1) * threshold.aggregate.percentile / 100).rounded(.up))])
            case .avg: return result(values.reduce(0, +) / Double(values.count))
            case .min: return result(values.first)
            case .max: return result(values.last)
            default: return result(Double(values.count))
            }
        case .errors:
            guard !selected.isEmpty else { return result(nil) }
            let failed = selected.filter { !$0.succeeded }.count
            return threshold.aggregate.kind == .count ? result(Double(failed)) : result(Double(failed) / Double(selected.count))
        case .availability:
            let window = YAMLNode.parseDuration(threshold.tag("window") ?? "") ?? .seconds(60)
            let ratios = Self.windowedAvailability(selected, window: window, end: run.scenario.duration)
            guard !ratios.isEmpty else { return result(nil) }
            if threshold.aggregate.kind == .min { return result(ratios.min()) }
            return result(Double(selected.filter(\.succeeded).count) / Double(selected.count))
        case .costUSD:
            guard !selected.isEmpty else { return result(nil) }
            return threshold.aggregate.kind == .max ? result(selected.map(\.costUSD).max()) : result(selected.reduce(0) { $0 + $1.costUSD })
        case .memoryMB, .machineMemoryGB:
            let samples = run.metrics.memorySamples.compactMap { sample in
                threshold.metric == .memoryMB ? sample.processBytes.map { Double($0) / 1_048_576 } : sample.machineBytes?.gigabytes
            }
            guard !samples.isEmpty else { return result(nil, noData: "not measured in this run") }
            return threshold.aggregate.kind == .max ? result(samples.max()) : result(samples.reduce(0, +) / Double(samples.count))
        case .requests:
            return result(Double(selected.count))
        case .calls:
            guard !selected.isEmpty else { return result(nil) }
            let provider = threshold.tag("provider") ?? ""
            return result(Double(selected.reduce(0) { $0 + $1.calls.filter { $0.rawValue == provider }.count }))
        case .status:
            guard !selected.isEmpty else { return result(nil) }
            let code = threshold.tag("code") ?? ""
            let matching = selected.filter { RequestRecord.status($0.status, matches: code) }.count
            return threshold.aggregate.kind == .count ? result(Double(matching)) : result(Double(matching) / Double(selected.count))
        }
    }

    /// Success ratio over each window of `window` ending at every whole second (windows without requests skipped).
    static func windowedAvailability(_ records: [RequestRecord], window: Duration, end: Duration) -> [Double] {
        let seconds = max(1, Int(end.seconds.rounded(.up)))
        var ok = [Int](repeating: 0, count: seconds + 1)
        var total = [Int](repeating: 0, count: seconds + 1)
        for record in records {
            let second = min(seconds, max(0, Int(record.intendedAt.seconds)))
            total[second] += 1
            if record.succeeded { ok[second] += 1 }
        }
        let width = max(1, Int(window.seconds.rounded()))
        var ratios: [Double] = []
        var windowOK = 0
        var windowTotal = 0
        for second in 0...seconds {
            windowOK += ok[second]
            windowTotal += total[second]
            if second >= width {
                windowOK -= ok[second - width]
                windowTotal -= total[second - width]
            }
            if second + 1 >= width, windowTotal > 0 { ratios.append(Double(windowOK) / Double(windowTotal)) }
        }
        return ratios
    }

    // MARK: State and reachability

    func health(_ service: String, during faultID: String, within: Duration?, run: ScenarioRun, check: CheckSpec) -> CheckResult {
        guard let fault = run.scenario.faults.first(where: { $0.id == faultID }) else {
            return CheckResult(check: check.description, verdict: .noData, observed: "no fault \(faultID)")
        }
        // A fault that never fired (a live run that could not apply it) says nothing about how health reacts to it.
        if run.faults.first(where: { $0.fault.id == faultID })?.fired == 0 {
            return CheckResult(check: check.description, verdict: .noData, observed: "fault \(faultID) never fired")
        }
        let samples = run.metrics.healthSamples.map { sample in (sample.at, sample.status(of: service)?.status) }
        let windows = fault.windows(until: run.scenario.duration)
        // A degradation proves nothing about the fault unless the service was healthy before it began.
        let start = windows.first?.lowerBound ?? .zero
        guard samples.contains(where: { $0.0 < start && $0.1 == .healthy }) else {
            return CheckResult(
                check: check.description,
                verdict: .fail,
                observed: "\(service) was never healthy before \(faultID) began at t+\(start.formattedSeconds)",
                detail: "a service degraded before the fault cannot show the fault's effect"
            )
        }
        var observations: [String] = []
        for window in windows {
            let inside = samples.filter { window.contains($0.0) }.compactMap(\.1)
            guard !inside.isEmpty else {
                return CheckResult(check: check.description, verdict: .noData, observed: "no health sample during \(Self.describe(window))")
            }
            guard inside.contains(where: { $0 != .healthy }) else {
                return CheckResult(
                    check: check.description,
                    verdict: .fail,
                    observed: "\(service) stayed healthy during \(Self.describe(window))",
                    detail: "the fault was not visible in health"
                )
            }
            observations.append("degraded in \(Self.describe(window))")
            guard let within, window.upperBound < run.scenario.duration else { continue }
            let recovery = samples.first { $0.0 >= window.upperBound && $0.1 == .healthy }
            guard let recovery else {
                return CheckResult(
                    check: check.description,
                    verdict: .fail,
                    observed: "\(service) never healthy again after t+\(window.upperBound.formattedSeconds)"
                )
            }
            let took = recovery.0 - window.upperBound
            if took > within {
                return CheckResult(
                    check: check.description,
                    verdict: .fail,
                    observed: "healthy \(took.formattedSeconds) after t+\(window.upperBound.formattedSeconds), limit \(within.formattedSeconds)"
                )
            }
            observations.append("healthy \(took.formattedSeconds) after")
        }
        guard !observations.isEmpty else { return CheckResult(check: check.description, verdict: .noData, observed: "the fault was never active") }
        return CheckResult(
            check: check.description,
            verdict: .pass,
            observed: observations.prefix(4).joined(separator: "; ") + (observations.count > 4 ? "; ..." : "")
        )
    }

    func reachable(_ provider: String, records: [RequestRecord], check: CheckSpec) -> CheckResult {
        guard !records.isEmpty else { return CheckResult(check: check.description, verdict: .noData, observed: "no requests") }
        let answered = records.filter { $0.succeeded && $0.provider?.rawValue == provider }.count
        return CheckResult(
            check: check.description,
            verdict: answered > 0 ? .pass : .fail,
            observed: "\(provider) answered \(answered) of \(records.count) requests"
        )
    }

    /// Every health sample in the scope shows `status` for the service (and a first reason containing the text).
    func healthState(
        _ service: String,
        status: HealthStatus,
        scope: Scope?,
        reasonContains: String?,
        run: ScenarioRun,
        check: CheckSpec
    ) -> CheckResult {
        let spans: [Range<Duration>]?
        switch self.spans(scope, run: run) {
        case .failure(let none): return CheckResult(check: check.description, verdict: .noData, observed: none.reason)
        case .success(let found): spans = found
        }
        let samples = run.metrics.healthSamples.filter { sample in spans?.contains { $0.contains(sample.at) } ?? true }
        let seen = samples.compactMap { sample in sample.status(of: service).map { (sample.at, $0) } }
        guard !seen.isEmpty else { return CheckResult(check: check.description, verdict: .noData, observed: "no health sample of \(service)") }
        let miss = seen.first { at, health in
            health.status != status || reasonContains.map { text in !(health.reason ?? "").contains(text) } ?? false
        }
        guard let miss else {
            return CheckResult(
                check: check.description,
                verdict: .pass,
                observed: "\(seen.count) samples \(status.rawValue)" + (seen.first?.1.reason.map { ": \($0.prefix(100))" } ?? "")
            )
        }
        return CheckResult(
            check: check.description,
            verdict: .fail,
            observed: "at t+\(miss.0.formattedSeconds) \(service) was \(miss.1.status.rawValue): \(miss.1.reason ?? "no reason")"
        )
    }

    /// When `service` was healthy again after the fault's last window (every fault's, without one): the first
    /// healthy sample from its end, or nil; and the end itself.
    static func recovery(of service: String, after fault: FaultSpec?, run: ScenarioRun) -> (end: Duration, healthyAt: Duration?)? {
        let faults = fault.map { [$0] } ?? run.scenario.faults
        guard let end = faults.compactMap({ $0.windows(until: run.scenario.duration).last?.upperBound }).max(), end < run.scenario.duration
        else { return nil }
        let healthy = run.metrics.healthSamples.first { $0.at >= end && $0.status(of: service)?.status == .healthy }
        return (end, healthy?.at)
    }

    func recovers(
        _ service: String,
        after faultID: String?,
        within: Duration,
        latency: Duration?,
        records: [RequestRecord],
        run: ScenarioRun,
        check: CheckSpec
    ) -> CheckResult {
        let fault = faultID.flatMap { id in run.scenario.faults.first { $0.id == id } }
        let considered = fault.map { [$0] } ?? run.scenario.faults
        if considered.allSatisfy({ one in run.faults.first { $0.fault.id == one.id }?.fired == 0 }) {
            return CheckResult(check: check.description, verdict: .noData, observed: "the fault never fired")
        }
        guard let (end, healthyAt) = Self.recovery(of: service, after: fault, run: run) else {
            return CheckResult(check: check.description, verdict: .noData, observed: "the fault lasts to the end of the run")
        }
        guard let healthyAt else {
            return CheckResult(check: check.description, verdict: .fail, observed: "\(service) never healthy after t+\(end.formattedSeconds)")
        }
        let took = healthyAt - end
        guard took <= within else {
            return CheckResult(
                check: check.description,
                verdict: .fail,
                observed: "healthy \(took.formattedSeconds) after t+\(end.formattedSeconds), limit \(within.formattedSeconds)"
            )
        }
        // Recovered means staying healthy while no fault is active.
        let quiet = { (at: Duration) in !run.scenario.faults.contains { $0.windows(until: run.scenario.duration).contains { $0.contains(at) } } }
        if let relapse = run.metrics.healthSamples.first(where: { $0.at > healthyAt && quiet($0.at) && $0.status(of: service)?.status != .healthy }) {
            return CheckResult(
                check: check.description,
                verdict: .fail,
                observed:
                    "healthy at t+\(healthyAt.formattedSeconds), then \(relapse.status(of: service)?.status.rawValue ?? "absent") at t+\(relapse.at.formattedSeconds)"
            )
        }
        var observed = "healthy \(took.formattedSeconds) after t+\(end.formattedSeconds)"
        if let latency {
            let after = records.filter { $0.intendedAt >= healthyAt && $0.badInput == nil }.map(\.latency)
            guard !after.isEmpty else {
                return CheckResult(check: check.description, verdict: .noData, observed: observed + "; no requests after it")
            }
            let p95 = LatencyHistogram(after).milliseconds(at: 95)
            observed += "; p95 \(Self.format(p95))ms after it"
            if p95 >= Double(latency.nanoseconds) / 1_000_000 {
                return CheckResult(check: check.description, verdict: .fail, observed: observed)
            }
        }
        return CheckResult(check: check.description, verdict: .pass, observed: observed)
    }

    // MARK: Events

    /// When the event happened (for the assertion's provider, if any): from the clients' records, or from what the
    /// system reported. nil when this run cannot observe it.
    static func occurrences(of assertion: EventAssertion, records: [RequestRecord], run: ScenarioRun) -> [Duration]? {
        func from(_ matches: (RequestRecord) -> Bool) -> [Duration] {
            records.filter { record in matches(record) && (assertion.provider.map { record.provider?.rawValue == $0 } ?? true) }.map(\.intendedAt)
        }
        switch assertion.event {
        case .fallbackAnswered: return from { $0.succeeded && $0.fellBack }
        case .staleReply: return from { $0.cache == .stale }
        case .cacheHit: return from { $0.cache == .hit }
        case .streamInterrupted: return from { $0.interruptions > 0 }
        case .rateLimited: return from { $0.status == 429 }
        case .enginePartial: return from { $0.succeeded && $0.engineTimes.contains { !$0.succeeded } }
        case .circuitOpened, .circuitClosed, .outboxReplayed:
            guard let reported = run.systemEvents else { return nil }
            return reported.filter { entry in
                let kind: Bool =
                    switch (assertion.event, entry.event) {
                    case (.circuitOpened, .circuitOpened), (.circuitClosed, .circuitClosed), (.outboxReplayed, .outboxReplayed): true
                    default: false
                    }
                return kind && (assertion.provider.map { entry.event.provider?.rawValue == $0 } ?? true)
            }.map(\.at)
        }
    }

    func events(_ assertion: EventAssertion, wanted: Bool, records: [RequestRecord], run: ScenarioRun, check: CheckSpec) -> CheckResult {
        guard var times = Self.occurrences(of: assertion, records: records, run: run) else {
            return CheckResult(
                check: check.description,
                verdict: .noData,
                observed: "\(assertion.event.rawValue) is reported by the system, and this run did not hear it"
            )
        }
        switch spans(assertion.scope, run: run) {
        case .failure(let none): return CheckResult(check: check.description, verdict: .noData, observed: none.reason)
        case .success(let spans?): times = times.filter { time in spans.contains { $0.contains(time) } }
        case .success(nil): break
        }
        let first = times.min().map { " (first at t+\($0.formattedSeconds))" } ?? ""
        return CheckResult(
            check: check.description,
            verdict: times.isEmpty != wanted ? .pass : .fail,
            observed: times.isEmpty ? "never happened" : "happened \(times.count) times\(first)"
        )
    }

    // MARK: Scopes

    /// The time a scope covers in this run; nil for the whole run. A fault that never fired, or a phase with no
    /// time in the run, is a reason instead: nothing in it can be judged.
    func spans(_ scope: Scope?, run: ScenarioRun) -> Result<[Range<Duration>]?, NoSpan> {
        guard let scope else { return .success(nil) }
        guard let fault = run.scenario.faults.first(where: { $0.id == scope.fault }) else { return .failure(NoSpan("no fault \(scope.fault)")) }
        if run.faults.first(where: { $0.fault.id == scope.fault })?.fired == 0 { return .failure(NoSpan("fault \(scope.fault) never fired")) }
        let spans = scope.spans(of: fault.windows(until: run.scenario.duration), end: run.scenario.duration)
        guard !spans.isEmpty else { return .failure(NoSpan("the run has no time \(scope)")) }
        return .success(spans)
    }

    struct NoSpan: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// `judge` over the records sent within the scope; no data when the scope has no time or no requests in it.
    func scoped(
        _ scope: Scope?,
        _ records: [RequestRecord],
        run: ScenarioRun,
        check: CheckSpec,
        judge: ([RequestRecord]) -> CheckResult
    )
        -> CheckResult
    {
        switch spans(scope, run: run) {
        case .failure(let none):
            return CheckResult(check: check.description, verdict: .noData, observed: none.reason)
        case .success(nil):
            return judge(records)
        case .success(let spans?):
            return judge(records.filter { record in spans.contains { $0.contains(record.intendedAt) } })
        }
    }

    static func describe(_ window: ClosedRange<Duration>) -> String {
        "t+\(window.lowerBound.formattedSeconds)..t+\(window.upperBound.formattedSeconds)"
    }

    /// Fixed formatting for observed values: reports must not change with the platform's float printing.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e12 { return String(Int64(value)) }
        let scaled = (value * 10_000).rounded() / 10_000
        return String(scaled)
    }

    /// Chats over HTTP answered after the request deadline and a second for the client's own side.
    func answeredByDeadline(_ records: [RequestRecord], run: ScenarioRun, check: CheckSpec) -> CheckResult {
        let limit = run.scenario.system.routing.requestDeadline + .seconds(1)
        let chats = records.filter { [.chat, .chatStateless, .chatMemory].contains($0.operation) && $0.badInput == nil }
        guard !chats.isEmpty else { return CheckResult(check: check.description, verdict: .noData, observed: "no chat sent") }
        let late = chats.filter { $0.latency > limit }
        return CheckResult(
            check: check.description,
            verdict: late.isEmpty ? .pass : .fail,
            observed: "\(late.count) of \(chats.count) chats answered after \(limit.formattedSeconds)",
            detail: late.first.map { "request \($0.index): \($0.latency.formattedSeconds)" }
        )
    }
}
