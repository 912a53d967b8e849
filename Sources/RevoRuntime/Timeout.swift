/// Thrown by ``withTimeout(after:tolerance:clock:operation:)`` when the operation did not finish in time.
public struct TimeoutError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The limit that was exceeded, as written by the clock's duration type.
    public var limit: String

    public init(limit: String) {
        self.limit = limit
    }

    public var description: String {
        "operation timed out after \(limit)"
    }
}

/// Runs `operation`, cancelling it and throwing ``TimeoutError`` if it has not finished after `duration` on `clock`.
///
/// Works the same on `ContinuousClock` and on ``VirtualClock``: the race is a two-child task group, and both children
/// inherit the caller's task executor. The operation must honour cancellation for the timeout to return promptly.
public func withTimeout<Success: Sendable, C: Clock>(
    after duration: C.Duration,
    tolerance: C.Duration? = nil,
    clock: C,
    operation: @escaping @Sendable () async throws -> Success
) async throws -> Success {
    let deadline = clock.now.advanced(by: duration)
    return try await withThrowingTaskGroup(of: TimeoutRace<Success>.self) { group in
        group.addTask { .finished(try await operation()) }
        group.addTask {
            try await clock.sleep(until: deadline, tolerance: tolerance)
            return .timedOut
        }
        defer { group.cancelAll() }
        switch try await group.next() {
        case .finished(let value):
            return value
        case .timedOut, nil:
            throw TimeoutError(limit: "\(duration)")
        }
    }
}

private enum TimeoutRace<Success: Sendable>: Sendable {
    case finished(Success)
    case timedOut
}
