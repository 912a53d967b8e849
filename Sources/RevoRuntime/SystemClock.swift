/// The time source of RevoCore: any `Clock<Duration>`, read as the time elapsed since the clock was wrapped.
///
/// Timestamps and deadlines are plain `Duration`s, so they compare, add and print the same way whether the clock
/// underneath is `ContinuousClock` (a real server) or a simulation's virtual clock; RevoCore never learns which.
public struct SystemClock: Sendable {
    /// The clock's parts in one object, so that a copy of the clock (every service keeps one) costs one reference
    /// count.
    @usableFromInline
    final class Source: Sendable {
        // Made by an inlinable init, so the closures are specialized for the caller's clock: generic, reading the
        // time went through witness tables on every read, a dozen per chat request.
        @usableFromInline let elapsed: @Sendable () -> Duration
        @usableFromInline let sleeper: @Sendable (Duration) async throws -> Void
        @usableFromInline let deadlines: (any DeadlineScheduler)?

        @inlinable
        init(
            elapsed: @escaping @Sendable () -> Duration,
            sleeper: @escaping @Sendable (Duration) async throws -> Void,
            deadlines: (any DeadlineScheduler)?
        ) {
            self.elapsed = elapsed
            self.sleeper = sleeper
            self.deadlines = deadlines
        }
    }

    @usableFromInline let source: Source

    /// Times the deadlines of ``withDeadline(_:operation:)`` when set; without it they race a sleeping task.
    public var deadlines: (any DeadlineScheduler)? {
        source.deadlines
    }

    /// Takes any clock; an `any Clock<Duration>` is opened implicitly. ``now`` starts at `start`: zero for
    /// simulations, the Unix time of the start for a server, so that stored timestamps mean something after a restart.
    /// `deadlines` must count the same time as `clock`.
    @inlinable
    public init<C: Clock<Duration>>(_ clock: C, startingAt start: Duration = .zero, deadlines: (any DeadlineScheduler)? = nil) {
        let origin = clock.now
        self.source = Source(
            elapsed: { start + origin.duration(to: clock.now) },
            sleeper: { offset in try await clock.sleep(until: origin.advanced(by: offset - start), tolerance: nil) },
            deadlines: deadlines
        )
    }

    /// A time source that counts elapsed time itself (a simulation's virtual time): `elapsed` is ``now`` and
    /// `sleeper` suspends until a value of it.
    public init(
        elapsed: @escaping @Sendable () -> Duration,
        sleeper: @escaping @Sendable (Duration) async throws -> Void,
        deadlines: (any DeadlineScheduler)? = nil
    ) {
        self.source = Source(elapsed: elapsed, sleeper: sleeper, deadlines: deadlines)
    }

    /// Time since this clock was created, plus its start.
    public var now: Duration {
        source.elapsed()
    }

    /// The deadline ``withDeadline(kept:operation:)`` holds this task to: no sleep of a clock goes past it.
    @TaskLocal public static var keptDeadline: Duration?

    /// Suspends until `deadline` (a value of ``now``); returns at once if it has passed. Throws on cancellation, and
    /// ``TimeoutError`` at a kept deadline that comes first (or at the same time, as a raced timer would win the tie).
    public func sleep(until deadline: Duration) async throws {
        if let kept = Self.keptDeadline, deadline >= kept {
            if kept > now { try await source.sleeper(kept) }
            throw TimeoutError(limit: "deadline passed")
        }
        guard deadline > now else { return }
        try await source.sleeper(deadline)
    }

    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now + duration)
    }

    /// Runs `operation` with a deadline on this clock; see ``withTimeout(after:tolerance:clock:operation:)``.
    /// Inlinable, so a call on the request path is specialized for its result type.
    @inlinable
    public func withDeadline<Success: Sendable>(
        _ deadline: Duration,
        operation: @escaping @Sendable () async throws -> Success
    ) async throws -> Success {
        let remaining = deadline - now
        guard remaining > .zero else { throw TimeoutError(limit: "deadline passed") }
        if let deadlines {
            return try await RevoRuntime.withDeadline(after: remaining, scheduler: deadlines, operation: operation)
        }
        return try await withSleepingTimer(remaining, operation: operation)
    }

    /// Runs `operation` under `deadline` the cheapest way that can still interrupt it, given what it `waits` on.
    @inlinable
    public func withDeadline<Success: Sendable>(
        _ deadline: Duration,
        waits: Waits,
        operation: @escaping @Sendable () async throws -> Success
    ) async throws -> Success {
        switch waits {
        case .never: try await withDeadline(unraced: deadline, operation: operation)
        case .onClockOnly: try await withDeadline(kept: deadline, operation: operation)
        case .onAnything: try await withDeadline(deadline, operation: operation)
        }
    }

    /// The race without a scheduler: against a task sleeping on this clock.
    @usableFromInline
    func withSleepingTimer<Success: Sendable>(
        _ remaining: Duration,
        operation: @escaping @Sendable () async throws -> Success
    ) async throws -> Success {
        try await withTimeout(after: remaining, clock: DeadlineClock(clock: self), operation: operation)
    }

    /// Runs `operation`, which cannot wait on anything (an answer computed in this process), under `deadline` without a
    /// race: nothing could interrupt it, so it runs in this task, and an answer that comes after the deadline is a
    /// time-out all the same, as the race would have called it once the operation wound down. It saves the race's
    /// child task and timer.
    @inlinable
    public func withDeadline<Success>(unraced deadline: Duration, operation: () async throws -> Success) async throws -> Success {
        let remaining = deadline - now
        guard remaining > .zero else { throw TimeoutError(limit: "deadline passed") }
        let value = try await operation()
        guard now <= deadline else { throw TimeoutError(limit: "\(remaining)") }
        return value
    }

    /// Runs `operation`, which waits only in sleeps of this clock, in this task with `deadline` kept: a sleep that
    /// would end at or after it ends there instead, so the call stops when a race against a timer would have stopped
    /// it, with the same ``TimeoutError``, but without the race's child task and timer.
    @inlinable
    public func withDeadline<Success>(kept deadline: Duration, operation: () async throws -> Success) async throws -> Success {
        let remaining = deadline - now
        guard remaining > .zero else { throw TimeoutError(limit: "deadline passed") }
        let held = Self.keptDeadline.map { min($0, deadline) } ?? deadline
        do {
            let value = try await Self.$keptDeadline.withValue(held) { try await operation() }
            guard now < deadline else { throw TimeoutError(limit: "\(remaining)") }
            return value
        } catch {
            // Whatever the operation made of its interrupted sleep, the caller sees the time-out a race reports.
            guard now < deadline else { throw TimeoutError(limit: "\(remaining)") }
            throw error
        }
    }
}

/// Adapts a ``SystemClock`` back to the `Clock` protocol so ``withTimeout(after:tolerance:clock:operation:)`` can race it.
private struct DeadlineClock: Clock {
    typealias Duration = Swift.Duration

    struct Instant: InstantProtocol {
        var offset: Swift.Duration
        func advanced(by duration: Swift.Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Swift.Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    let clock: SystemClock

    var now: Instant { Instant(offset: clock.now) }
    var minimumResolution: Swift.Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Swift.Duration?) async throws {
        try await clock.sleep(until: deadline.offset)
    }
}
