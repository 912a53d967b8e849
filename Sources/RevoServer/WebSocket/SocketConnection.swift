public import HummingbirdWebSocket
public import NIOWebSocket

/// One accepted WebSocket, whatever carries it: HummingbirdWebSocket over a real socket, or an in-process pipe (the
/// simulation's). ``ChatSocket`` speaks its protocol over this and nothing else.
public protocol SocketConnection: Sendable {
    associatedtype Messages: AsyncIteratorProtocol where Messages.Element == WebSocketMessage

    /// The client's messages in order; the iterator ends when the client closes and throws for a message over
    /// `maxSize` bytes.
    func messages(maxSize: Int) -> Messages

    /// Sends one text frame; throws once the socket is gone or when the client reads too slowly.
    func send(text: String) async throws

    /// Closes the socket with a code and a reason (at most 123 bytes).
    func close(_ code: WebSocketErrorCode, reason: String?) async throws
}

/// A client that reads slower than the write timeout allows.
public struct SocketStalled: Error, Sendable, CustomStringConvertible {
    public var timeout: Duration

    public init(timeout: Duration) {
        self.timeout = timeout
    }

    public var description: String { "client too slow: a write waited more than \(timeout)" }
}
