import Foundation
import HummingbirdWebSocket
import RevoCore

/// Writes events as JSON text frames. Each write waits for the channel to accept it (NIO's backpressure bounds what
/// a socket buffers) but no longer than `timeout`.
struct EventWriter: Sendable {
    struct Stalled: Error, CustomStringConvertible {
        var timeout: Duration
        var description: String { "client too slow: a write waited more than \(timeout)" }
    }

    let outbound: WebSocketOutboundWriter
    let timeout: Duration

    func send(_ event: SocketEvent) async throws {
        let text = String(decoding: try JSONBody.encoder.encode(event), as: UTF8.self)
        let outbound = self.outbound
        do {
            try await withTimeout(after: timeout, clock: ContinuousClock()) { try await outbound.writeTextMessage(text) }
        } catch is TimeoutError {
            throw Stalled(timeout: timeout)
        }
    }
}
