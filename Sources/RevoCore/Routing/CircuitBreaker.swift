/// One provider's circuit: closed (calls flow, outcomes counted over a sliding window), open (calls rejected until a
/// deadline), half-open (a limited number of probes decide whether it closes again).
public struct CircuitBreaker: Sendable {
    public enum State: Sendable, Equatable {
        case closed
        case open(until: Duration, reason: String)
        case halfOpen(probesInFlight: Int)
    }

    /// The answer to "may I call this provider now?".
    public enum Permit: Sendable, Equatable {
        case allowed
        /// Allowed as the half-open probe: its outcome decides the circuit.
        case probe
        case rejected(retryAt: Duration, reason: String)
    }

    public let settings: BreakerSettings
    public private(set) var state = State.closed
    private var outcomes: OutcomeWindow
    private var failuresInARow = 0
    /// How many times the circuit opened; reported in provider status.
    public private(set) var openings = 0

    public init(settings: BreakerSettings) {
        self.settings = settings
        self.outcomes = OutcomeWindow(window: settings.window)
    }

    public mutating func permit(at now: Duration) -> Permit {
        guard settings.enabled else { return .allowed }
        switch state {
        case .closed:
            return .allowed
        case .open(let until, let reason):
            guard now >= until else { return .rejected(retryAt: until, reason: reason) }
            state = .halfOpen(probesInFlight: 1)
            return .probe
        case .halfOpen(let inFlight):
            guard inFlight < settings.halfOpenProbes else {
                return .rejected(retryAt: now, reason: "circuit half-open, probe in flight")
            }
            state = .halfOpen(probesInFlight: inFlight + 1)
            return .probe
        }
    }

    /// Lets a call through before the cooldown ends: used when every provider's circuit is open and the one closest
    /// to recovery is tried rather than failing hard. Counts as a probe, so only as many run at once as a half-open
    /// circuit allows: the other requests are refused at once instead of each waiting on a provider that may hang.
    /// Returns whether the call may go.
    public mutating func forceProbe() -> Bool {
        guard settings.enabled else { return true }
        switch state {
        case .open:
            state = .halfOpen(probesInFlight: 1)
            return true
        case .halfOpen(let inFlight):
            guard inFlight < settings.halfOpenProbes else { return false }
            state = .halfOpen(probesInFlight: inFlight + 1)
            return true
        case .closed:
            return true
        }
    }

    /// The moment an open circuit lets a probe through; nil unless open.
    public var reopensAt: Duration? {
        if case .open(let until, _) = state { return until }
        return nil
    }

    public mutating func recordSuccess(at now: Duration) {
        guard settings.enabled else { return }
        switch state {
        case .closed:
            failuresInARow = 0
            outcomes.record(failed: false, at: now)
        case .halfOpen:
            state = .closed
            outcomes.removeAll()
            failuresInARow = 0
        case .open:
            // A call admitted before the circuit opened came back fine; the cooldown still stands.
            break
        }
    }

    public mutating func recordFailure(_ error: ProviderError, at now: Duration) {
        guard settings.enabled else { return }
        switch state {
        case .closed:
            outcomes.record(failed: true, at: now)
            failuresInARow += 1
            let calls = outcomes.callCount
            let failuresInWindow = outcomes.failureCount
            if settings.consecutiveFailures > 0, failuresInARow >= settings.consecutiveFailures {
                open(until: now + settings.cooldown, reason: "circuit open: \(failuresInARow) calls in a row failed, last: \(error)")
                return
            }
            guard calls >= settings.minimumRequests,
                Double(failuresInWindow) / Double(calls) >= settings.failureRateThreshold
            else { return }
            open(
                until: now + settings.cooldown,
                reason: "circuit open: \(failuresInWindow) of \(calls) calls failed in \(settings.window.formattedSeconds), last: \(error)"
            )
        case .halfOpen:
            open(until: now + settings.cooldown, reason: "circuit open: half-open probe failed: \(error)")
        case .open:
            break
        }
    }

    /// A half-open probe that ended without an outcome (cancelled) frees its slot.
    public mutating func recordAbandoned() {
        if case .halfOpen(let inFlight) = state {
            state = .halfOpen(probesInFlight: max(0, inFlight - 1))
        }
    }

    /// Puts the provider in cooldown, e.g. after a 429, without counting a failure.
    public mutating func coolDown(until: Duration, reason: String) {
        guard settings.enabled else { return }
        if case .open(let current, _) = state, current >= until { return }
        state = .open(until: until, reason: reason)
    }

    private mutating func open(until: Duration, reason: String) {
        state = .open(until: until, reason: reason)
        openings += 1
        outcomes.removeAll()
        failuresInARow = 0
    }
}
