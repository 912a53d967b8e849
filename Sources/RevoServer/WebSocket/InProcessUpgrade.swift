import Synchronization

/// The WebSocket upgrade of a request that reached the router without a socket (the simulation's in-process
/// transport): the route that accepts the upgrade leaves the socket's session here, and the transport runs it over its
/// own connection once the router has answered 200, as HummingbirdWebSocket runs it after a real handshake.
public final class InProcessUpgrade: Sendable {
    public typealias Session = @Sendable (any SocketConnection) async -> Void

    private let accepted = Mutex<Session?>(nil)

    public init() {}

    /// Called by the route that accepts the upgrade.
    func accept(_ session: @escaping Session) {
        accepted.withLock { $0 = session }
    }

    /// The session the router accepted, once; nil when no route upgraded the request.
    public func take() -> Session? {
        accepted.withLock { session in
            defer { session = nil }
            return session
        }
    }
}
