public import Logging
import NIOPosix
public import RevoCore
import Synchronization

/// Redis over hiredis without blocking anyone's event loop: every command runs on this client's own threads, each
/// with a connection of its own (at most one per thread), opened on first use and replaced after an I/O error.
///
/// While the server cannot be reached, commands fail fast with the last connect error and a new connection is tried
/// at most every `reconnectBackoff` (doubling up to 2 s), so an outage costs no pile-up of connect timeouts.
public final class RedisClient: Sendable {
    public struct Settings: Sendable {
        public var connections: Int
        public var connectTimeout: Duration
        public var commandTimeout: Duration
        public var reconnectBackoff: Duration

        public init(
            connections: Int = 4,
            connectTimeout: Duration = .milliseconds(500),
            commandTimeout: Duration = .milliseconds(250),
            reconnectBackoff: Duration = .milliseconds(100)
        ) {
            precondition(connections > 0, "a Redis client needs at least one connection")
            self.connections = connections
            self.connectTimeout = connectTimeout
            self.commandTimeout = commandTimeout
            self.reconnectBackoff = reconnectBackoff
        }
    }

    private struct State {
        var idle: [RedisConnection] = []
        var lastConnectError: StoreError?
        var nextConnectAt: ContinuousClock.Instant?
        var backoff: Duration
        var connectsOpened = 0
    }

    public let url: RedisURL
    public let settings: Settings
    private let threads: NIOThreadPool
    private let state: Mutex<State>
    private let logger: Logger

    public init(_ url: RedisURL, settings: Settings = Settings(), logger: Logger = Logger(label: "revo.redis")) {
        self.url = url
        self.settings = settings
        self.logger = logger
        self.state = Mutex(State(backoff: settings.reconnectBackoff))
        self.threads = NIOThreadPool(numberOfThreads: settings.connections)
        threads.start()
    }

    /// Stops the threads; commands sent afterwards fail as unavailable.
    public func shutdown() async {
        try? await threads.shutdownGracefully()
        state.withLock { $0.idle.removeAll() }
    }

    /// Connections opened so far (reconnects included), for tests and diagnostics.
    public var connectionsOpened: Int { state.withLock { $0.connectsOpened } }

    /// Sends `arguments` as one command. An error reply (`-OOM`, `-LOADING`…) is thrown as the matching
    /// ``StoreError``, never returned.
    public func send(_ arguments: [String]) async throws(StoreError) -> RedisReply {
        let result: Result<RedisReply, StoreError>
        do {
            result = try await threads.runIfActive { self.runOnThread(arguments) }
        } catch {
            throw .unavailable("redis client is shut down")
        }
        let reply = try result.get()
        if case .error(let message) = reply {
            throw RedisErrorMapping.storeError(forReply: message, command: arguments.first ?? "command")
        }
        return reply
    }

    /// On one of this client's threads: borrow (or open) a connection, run the command, give the connection back
    /// unless it broke.
    private func runOnThread(_ arguments: [String]) -> Result<RedisReply, StoreError> {
        let connection: RedisConnection
        switch checkOut() {
        case .success(let borrowed): connection = borrowed
        case .failure(let error): return .failure(error)
        }
        let result = Result { () throws(StoreError) in try connection.command(arguments) }
        if !connection.isBroken {
            state.withLock { $0.idle.append(connection) }
        } else if case .failure(let error) = result {
            logger.notice("redis connection dropped", metadata: ["error": "\(error)", "redis": "\(url)"])
        }
        return result
    }

    private func checkOut() -> Result<RedisConnection, StoreError> {
        let now = ContinuousClock.now
        let decision = state.withLock { state -> Result<RedisConnection?, StoreError> in
            if let idle = state.idle.popLast() { return .success(idle) }
            if let next = state.nextConnectAt, now < next, let error = state.lastConnectError { return .failure(error) }
            return .success(nil)
        }
        switch decision {
        case .success(let idle?): return .success(idle)
        case .failure(let error): return .failure(error)
        case .success(nil): break
        }
        do throws(StoreError) {
            let connection = try RedisConnection(url, connectTimeout: settings.connectTimeout, commandTimeout: settings.commandTimeout)
            state.withLock { state in
                if state.lastConnectError != nil {
                    logger.notice("redis reachable again", metadata: ["redis": "\(url)"])
                }
                state.lastConnectError = nil
                state.nextConnectAt = nil
                state.backoff = settings.reconnectBackoff
                state.connectsOpened += 1
            }
            return .success(connection)
        } catch {
            state.withLock { state in
                if state.lastConnectError == nil {
                    logger.warning("redis unreachable", metadata: ["error": "\(error)", "redis": "\(url)"])
                }
                state.lastConnectError = error
                state.nextConnectAt = ContinuousClock.now + state.backoff
                state.backoff = min(state.backoff * 2, .seconds(2))
            }
            return .failure(error)
        }
    }
}
