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
        try await executor.sleep(until: deadline)
    }
}

extension Duration {
    /// Seconds with millisecond precision, e.g. `12.345s`; stable across platforms, used in traces and messages.
    public var formattedSeconds: String {
        let (seconds, attoseconds) = components
        let totalMilliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        let sign = totalMilliseconds < 0 ? "-" : ""
        let magnitude = totalMilliseconds.magnitude
        let fraction = String(magnitude % 1000)
        return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s"
    }

    /// Whole nanoseconds, truncated; the unit of the trace encoding.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
