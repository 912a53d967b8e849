import RevoCore

/// A `Clock` whose time only moves when the ``SimulationExecutor`` it belongs to has no job left to run.
///
/// Code written against `any Clock<Duration>` cannot tell it from `ContinuousClock`: `sleep(until:)`
/// suspends the caller, and cancellation resumes it at once with `CancellationError`.
public struct VirtualClock: Clock, Sendable {
    public typealias Duration = Swift.Duration

    /// A point in virtual time: the offset from the start of the simulation.
    public struct Instant: InstantProtocol, Sendable, Hashable, CustomStringConvertible {
        public var offset: Swift.Duration

        public init(offset: Swift.Duration) {
            self.offset = offset
        }

        /// The start of every simulation.
        public static let zero = Instant(offset: .zero)

        public func advanced(by duration: Swift.Duration) -> Instant {
            Instant(offset: offset + duration)
        }

        public func duration(to other: Instant) -> Swift.Duration {
            other.offset - offset
        }

        public static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.offset < rhs.offset
        }

        public var description: String {
            "t+\(offset.formattedSeconds)"
        }
    }

    let executor: SimulationExecutor

    public init(executor: SimulationExecutor) {
        self.executor = executor
    }

    public var now: Instant {
        executor.now
    }

    public var minimumResolution: Swift.Duration {
        .nanoseconds(1)
    }

    public func sleep(until deadline: Instant, tolerance: Swift.Duration? = nil) async throws {
        try await executor.sleep(until: deadline.offset)
    }
}
