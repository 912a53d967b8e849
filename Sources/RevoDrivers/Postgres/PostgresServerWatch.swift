import Logging
import RevoCore
import Synchronization

/// Whether the PostgreSQL server answers, as far as this process knows.
///
/// PostgresNIO's pool keeps a query waiting while it cannot connect (up to a minute), so during an outage every call
/// would cost its caller's whole timeout, and once the server is back the pool may wait out a backoff of up to a
/// minute before it tries again. A query that fails as the server's absence would explain, or waits longer than a
/// healthy one, therefore makes the watch check the server with a real connection attempt: while that fails, queries
/// fail at once with the reason, and when it succeeds after an outage the owner gets to replace its pool.
final class PostgresServerWatch: Sendable {
    private enum State {
        case up
        /// A query failed; the first check is under way and queries still go to the pool.
        case checking
        /// The last check failed, for this reason.
        case down(String)
    }

    private let state = Mutex(State.up)
    private let suspicions = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    private let address: String
    private let logger: Logger

    /// `address` names the server in errors (`host:port`).
    init(address: String, logger: Logger) {
        self.address = address
        self.logger = logger
    }

    /// The error a query gets instead of being tried; nil unless the last check failed.
    var refusal: StoreError? {
        state.withLock { state in
            if case .down(let reason) = state { return .unavailable("postgres \(address) is not answering (\(reason))") }
            return nil
        }
    }

    /// A query failed in a way the server's absence explains: check the server. `reason` is the server's own word
    /// that it cannot serve (it refused or cut the connection, 57P01): queries then fail at once until the check
    /// succeeds, a few milliseconds on a server that is fine. Without a reason (a query abandoned by its caller's
    /// timeout), queries go on while the check runs.
    func suspect(_ reason: String?) {
        let first = state.withLock { state in
            guard case .up = state else { return false }
            state = reason.map(State.down) ?? .checking
            return true
        }
        if first { suspicions.continuation.yield() }
    }

    /// Runs `operation`; if it has not finished after `patience`, checks the server and fails the operation as soon
    /// as the check finds the server not answering. This is how an outage the pool hides (it queues queries while
    /// its connects fail) is noticed without waiting for the caller's timeout.
    func bounding<T: Sendable>(patience: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: patience)
                self.suspect(nil)
                while true {
                    if let refusal = self.refusal { throw refusal }
                    // The server answers: the operation is merely slow, and may take its time.
                    if self.isUp { return nil }
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let value = next { return value }
            }
            // Unreachable: the operation's child either returns a value or throws.
            throw CancellationError()
        }
    }

    private var isUp: Bool {
        state.withLock { state in
            if case .up = state { return true }
            return false
        }
    }

    /// Checks the server whenever a query raised suspicion, every `interval` until `probe` succeeds (it returns the
    /// failure, or nil); `whenBack` runs before queries are let through again after an outage. Returns when cancelled.
    func run(interval: Duration, probe: @Sendable () async -> String?, whenBack: @Sendable () -> Void) async {
        for await _ in suspicions.stream {
            var downSince: ContinuousClock.Instant?
            while let failure = await probe() {
                if downSince == nil {
                    downSince = .now
                    logger.warning("postgres is not answering; queries fail at once until it does", metadata: ["reason": "\(failure)"])
                }
                state.withLock { $0 = .down(failure) }
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
            }
            if let downSince {
                whenBack()
                logger.notice(
                    "postgres answers again; queries use a new connection pool",
                    metadata: ["down_for": "\(ContinuousClock.now - downSince)"]
                )
            }
            state.withLock { $0 = .up }
        }
    }
}
