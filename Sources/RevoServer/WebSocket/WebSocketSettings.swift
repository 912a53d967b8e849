/// Limits and timers of `WS /ws/chat`.
public struct WebSocketSettings: Sendable {
    /// A ping goes out after this long; a socket that has not answered the previous ping by then is dropped, so a
    /// dead peer is gone after two periods (the original's 30 s ping, 60 s drop).
    public var pingInterval: Duration
    /// How long a socket opened without a token may take to send `{"type": "auth"}`.
    public var authTimeout: Duration
    /// Largest client message; a bigger one closes the socket with 1009.
    public var maxMessageBytes: Int

    /// Largest single frame the decoder reads. Larger than a message may be, so that an oversized message sent in one
    /// frame is read to its end and answered with a clean 1009: a server that stops reading mid-frame and closes
    /// leaves unread bytes behind, and the client gets a TCP reset instead of the close frame. Frames past this bound
    /// are refused by the decoder itself.
    public var maxFrameBytes: Int { max(4 * maxMessageBytes, 1 << 20) }
    /// How long one write to the client may stall. A client that reads slower than this is dropped instead of
    /// holding a model stream (and its buffers) open.
    public var writeTimeout: Duration
    /// Open sockets across the server; the next one is refused with 1013.
    public var maxConnections: Int
    /// Where the chat socket is served; a socket opened anywhere else is closed with 4404 naming it. Under `/ws/`.
    public var path: String

    public init(
        pingInterval: Duration = .seconds(30),
        authTimeout: Duration = .seconds(10),
        maxMessageBytes: Int = 64 * 1024,
        writeTimeout: Duration = .seconds(10),
        maxConnections: Int = 1_024,
        path: String = "/ws/chat"
    ) {
        precondition(path.hasPrefix("/ws/"), "the chat socket is served under /ws/")
        self.pingInterval = pingInterval
        self.authTimeout = authTimeout
        self.maxMessageBytes = maxMessageBytes
        self.writeTimeout = writeTimeout
        self.maxConnections = maxConnections
        self.path = path
    }
}
