public import Synchronization

/// `operation` in a child task against a timer of `scheduler`: the first to finish settles the race. On time-out the
/// child is cancelled and waited for, as in ``withTimeout(after:tolerance:clock:operation:)``, whose behaviour this
/// keeps with one child task and no sleep instead of two tasks and a dispatch timer. The child is an `async let`, not a
/// task group's: the runtime makes it in this task's own allocator rather than the heap, and leaving the scope cancels
/// and awaits it as a group does. Inlinable, so the caller's module specializes it: unspecialized, every race looked up
/// the generic metadata of its types at run time.
@inlinable
func withDeadline<Success: Sendable>(
    after remaining: Duration,
    scheduler: any DeadlineScheduler,
    operation: @escaping @Sendable () async throws -> Success
) async throws -> Success {
    let race = DeadlineRace<Success>()
    async let _ = race.run(operation)
    let timer = scheduler.schedule(after: remaining) { race.settle(.timedOut) }
    let outcome = await race.outcome()
    scheduler.cancel(timer)
    switch outcome {
    case .finished(let result):
        return try result.get()
    case .timedOut:
        throw TimeoutError(limit: "\(remaining)")
    }
}

/// Settled once, by the operation or by the timer, and awaited once.
@usableFromInline
final class DeadlineRace<Success: Sendable>: Sendable {
    @usableFromInline
    enum Outcome: Sendable {
        case finished(Result<Success, any Error>)
        case timedOut
    }

    @usableFromInline
    struct State {
        @usableFromInline var outcome: Outcome?
        @usableFromInline var waiter: UnsafeContinuation<Outcome, Never>?

        @inlinable init() {}
    }

    @usableFromInline let state: Mutex<State>

    @inlinable init() { state = Mutex(State()) }

    /// Runs the racing operation and settles the race with what it returned or threw.
    @inlinable
    func run(_ operation: @Sendable () async throws -> Success) async {
        do {
            settle(.finished(.success(try await operation())))
        } catch {
            settle(.finished(.failure(error)))
        }
    }

    @inlinable
    func settle(_ outcome: Outcome) {
        let waiter = state.withLock { s -> UnsafeContinuation<Outcome, Never>? in
            guard s.outcome == nil else { return nil }
            s.outcome = outcome
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: outcome)
    }

    @inlinable
    func outcome() async -> Outcome {
        await withUnsafeContinuation { continuation in
            let settled = state.withLock { s -> Outcome? in
                if let outcome = s.outcome { return outcome }
                s.waiter = continuation
                return nil
            }
            if let settled { continuation.resume(returning: settled) }
        }
    }
}
