import RevoCore

/// The invariants and probes: properties every run must keep, each judged from what the run recorded.
extension CheckEvaluator {
    func noLostWrites(run: ScenarioRun, check: CheckSpec) -> CheckResult {
        let acknowledged = run.metrics.acknowledgedWrites.count
        guard run.writesVerified else {
            return CheckResult(
                check: check.description,
                verdict: .noData,
                observed: "\(acknowledged) acknowledged, none looked up: the server's database was not given (--postgres)"
            )
        }
        guard acknowledged > 0 else {
            return CheckResult(check: check.description, verdict: .noData, observed: "no memory write was acknowledged")
        }
        let lost = run.lostWrites
        return CheckResult(
            check: check.description,
            verdict: lost.isEmpty ? .pass : .fail,
            observed: "\(acknowledged) acknowledged, \(lost.count) lost",
            detail: lost.isEmpty ? nil : "lost: " + lost.prefix(5).joined(separator: ", ") + (lost.count > 5 ? " and \(lost.count - 5) more" : "")
        )
    }

    func scaling(to workers: Int, within: Duration, after: Duration, run: ScenarioRun, check: CheckSpec) -> CheckResult {
        guard !run.live else {
            return CheckResult(check: check.description, verdict: .noData, observed: "the engines' pool is not observable from outside a live server")
        }
        let events = run.metrics.scaleEvents
        // The pool's size is always known: never growing is a measured failure, not missing data.
        guard !events.isEmpty else {
            return CheckResult(
                check: check.description,
                verdict: .fail,
                observed: "the pool never changed size (\(run.scenario.system.parallelMind.minWorkers) workers)"
            )
        }
        let peak = events.map(\.to).max() ?? 0
        guard let reached = events.first(where: { $0.at >= after && $0.to >= workers }) else {
            return CheckResult(check: check.description, verdict: .fail, observed: "peak \(peak) workers")
        }
        let took = reached.at - after
        return CheckResult(
            check: check.description,
            verdict: took <= within ? .pass : .fail,
            observed: "\(reached.to) workers at t+\(reached.at.formattedSeconds) (\(took.formattedSeconds) after), \(reached.reason)"
        )
    }

    func noDuplicateMessages(run: ScenarioRun, check: CheckSpec) -> CheckResult {
        let sessions = run.metrics.sessions
        guard !sessions.isEmpty else { return CheckResult(check: check.description, verdict: .noData, observed: "no WebSocket session") }
        let duplicated = run.duplicatedMessages
        return CheckResult(
            check: check.description,
            verdict: duplicated.isEmpty ? .pass : .fail,
            observed: "\(duplicated.count) of \(sessions.count) conversations hold duplicated messages",
            detail: duplicated.isEmpty ? nil : "e.g. " + duplicated.prefix(3).joined(separator: ", ")
        )
    }

    func streamsConsistent(run: ScenarioRun, check: CheckSpec) -> CheckResult {
        let sessions = run.metrics.sessions
        guard !sessions.isEmpty else { return CheckResult(check: check.description, verdict: .noData, observed: "no WebSocket session") }
        let inconsistent = sessions.reduce(0) { $0 + $1.inconsistencies }
        let messages = sessions.reduce(0) { $0 + $1.messages }
        let accounted = sessions.reduce(0) { $0 + $1.answered + $1.reportedErrors + $1.cancelled }
        let reconnects = sessions.reduce(0) { $0 + $1.reconnects }
        return CheckResult(
            check: check.description,
            verdict: inconsistent == 0 && accounted == messages ? .pass : .fail,
            observed:
                "\(messages) messages, \(accounted) answered or reported, \(reconnects) reconnects, \(inconsistent) inconsistent with their tokens"
        )
    }

    /// A probe's or browser probe's result; one that was never sent has no data.
    func judged(_ result: Probe.Result?, missing: String, check: CheckSpec) -> CheckResult {
        guard let result else { return CheckResult(check: check.description, verdict: .noData, observed: missing) }
        guard result.sent else { return CheckResult(check: check.description, verdict: .noData, observed: result.observed) }
        return CheckResult(check: check.description, verdict: result.passed ? .pass : .fail, observed: result.observed)
    }

    func historyConsistent(_ records: [RequestRecord], check: CheckSpec) -> CheckResult {
        let judged = records.filter { $0.historyMessages != nil && $0.historyBound != nil }
        guard !judged.isEmpty else { return CheckResult(check: check.description, verdict: .noData, observed: "no chat in a conversation") }
        let over = judged.filter { $0.historyMessages! > $0.historyBound! }
        return CheckResult(
            check: check.description,
            verdict: over.isEmpty ? .pass : .fail,
            observed: "\(over.count) of \(judged.count) chats carried more history than their conversation held",
            detail: over.first.map { "request \($0.index): \($0.historyMessages!) messages, at most \($0.historyBound!) possible" }
        )
    }

    func errorsWellFormed(_ records: [RequestRecord], check: CheckSpec) -> CheckResult {
        let errors = records.filter { ($0.status ?? 0) >= 400 }
        guard !errors.isEmpty else { return CheckResult(check: check.description, verdict: .noData, observed: "no error answer") }
        let malformed = errors.filter { $0.malformed != nil }
        return CheckResult(
            check: check.description,
            verdict: malformed.isEmpty ? .pass : .fail,
            observed: "\(malformed.count) of \(errors.count) error answers malformed",
            detail: malformed.first.map { "request \($0.index) (\($0.operation.rawValue)): \($0.malformed ?? "")" }
        )
    }

    func maxUpstreamCalls(_ limit: Int, records: [RequestRecord], check: CheckSpec) -> CheckResult {
        guard let worst = records.max(by: { ($0.upstreamCalls, $1.index) < ($1.upstreamCalls, $0.index) }) else {
            return CheckResult(check: check.description, verdict: .noData, observed: "no requests")
        }
        return CheckResult(
            check: check.description,
            verdict: worst.upstreamCalls <= limit ? .pass : .fail,
            observed: "max \(worst.upstreamCalls)",
            detail: worst.upstreamCalls <= limit ? nil : "request \(worst.index) made \(worst.upstreamCalls) upstream calls"
        )
    }
}
