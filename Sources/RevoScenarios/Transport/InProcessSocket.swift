import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import RevoServer
import Synchronization

/// A WebSocket between a client and ``ChatSocket`` in process: two frame queues, no socket. The server end is a
/// ``SocketConnection`` (what the router's upgrade runs over); the client end sends and reads frames, closes, or
/// drops the connection as a lost network would.
package final class InProcessSocket: Sendable {
    package let toServer = FrameQueue()
    package let toClient = FrameQueue()

    package init() {}

    /// The side ``ChatSocket`` serves.
    var server: ServerEnd { ServerEnd(socket: self) }

    struct ServerEnd: SocketConnection {
        let socket: InProcessSocket

        public func messages(maxSize: Int) -> Messages {
            Messages(queue: socket.toServer, socket: socket, maxSize: maxSize)
        }

        public func send(text: String) async throws {
            guard socket.toClient.push(.text(text)) else { throw SocketGone() }
        }

        public func close(_ code: WebSocketErrorCode, reason: String?) async throws {
            socket.toClient.push(.close(code: code.number, reason: reason ?? ""))
            // The client answers a close; nothing it sends after that is read.
            socket.toServer.end()
        }

        /// The client's messages; over `maxSize` bytes is an error, as HummingbirdWebSocket's limit is.
        public struct Messages: AsyncIteratorProtocol {
            let queue: FrameQueue
            let socket: InProcessSocket
            let maxSize: Int

            public mutating func next() async throws -> WebSocketMessage? {
                switch await queue.next() {
                case .text(let text):
                    guard text.utf8.count <= maxSize else { throw MessageTooLarge() }
                    return .text(text)
                case .close, nil:
                    return nil
                }
            }
        }
    }

    // MARK: The client's side

    /// Sends a text frame; false once the socket is closed.
    @discardableResult
    func send(_ text: String) -> Bool {
        toServer.push(.text(text))
    }

    /// The next frame from the server: a text, a close, or nil when the connection is gone.
    func receive() async -> FrameQueue.Frame? {
        await toClient.next()
    }

    /// Closes from the client's side with a close frame (a tab closed, a client done).
    func close() {
        toServer.push(.close(code: 1000, reason: ""))
        toClient.end()
    }

    /// The connection is lost: no close frame either way, and whatever the server writes next fails.
    func drop() {
        toServer.end()
        toClient.end()
    }
}

/// A write to a socket whose client is gone.
struct SocketGone: Error, CustomStringConvertible {
    var description: String { "the client is gone" }
}

/// A client message over the socket's size limit.
struct MessageTooLarge: Error {}
