package import NIOCore

/// What a scenario's clients send their requests through: the application `revo serve` builds, in process on the
/// simulation's executor (``InProcessTransport``), or a running server over loopback (``LoopbackTransport``). The
/// workload, its users, the probes and the health sampler are written once against this.
package protocol ClientTransport: Sendable {
    /// One request and its whole answer; status 0, with the reason as the body, when nothing answered.
    func send(_ call: HTTPCall, from address: SocketAddress?) async -> HTTPAnswer

    /// A WebSocket handshake for `call`: the client's end of the open socket, or the answer that refused it. `name`
    /// names the task that serves the socket.
    func upgrade(_ call: HTTPCall, from address: SocketAddress?, name: String) async -> SocketUpgrade
}

/// How a WebSocket handshake ended.
package enum SocketUpgrade: Sendable {
    /// Upgraded: the client's end; the server's first frames may already be waiting on it.
    case accepted(InProcessSocket)
    /// Not upgraded: the server's answer (status 0 when nothing answered).
    case refused(HTTPAnswer)
}
