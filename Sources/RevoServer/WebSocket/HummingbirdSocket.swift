import HummingbirdWebSocket
import NIOWebSocket
import RevoCore
import RevoRuntime

/// A real socket, as HummingbirdWebSocket hands it to a route. Each write waits for the channel to accept it (NIO's
/// backpressure bounds what a socket buffers) but no longer than `writeTimeout`.
struct HummingbirdSocket: SocketConnection {
    let inbound: WebSocketInboundStream
    let outbound: WebSocketOutboundWriter
    let writeTimeout: Duration

    func messages(maxSize: Int) -> WebSocketInboundMessageStream.AsyncIterator {
        inbound.messages(maxSize: maxSize).makeAsyncIterator()
    }

    func send(text: String) async throws {
        let outbound = self.outbound
        do {
            try await withTimeout(after: writeTimeout, clock: ContinuousClock()) { try await outbound.writeTextMessage(text) }
        } catch is TimeoutError {
            throw SocketStalled(timeout: writeTimeout)
        }
    }

    func close(_ code: WebSocketErrorCode, reason: String?) async throws {
        try await outbound.close(code, reason: reason)
    }
}
