import HTTPTypes
import RevoCore
import RevoRuntime
import RevoServer
import RevoSim

/// A WebSocket client of `WS /ws/chat` speaking the protocol of docs/websocket.md: it opens the socket as a browser
/// does (`?token=`), waits for `ready`, sends `chat` commands and reads `start`, `token`… and the ending event.
package struct SocketClient: Sendable {
    let api: APIClient

    package init(api: APIClient) {
        self.api = api
    }

    /// An open socket, or the handshake's answer when the server refused it.
    enum Opening {
        case open(InProcessSocket)
        case refused(HTTPAnswer)
        /// Upgraded, then closed by the server before `ready` (a bad token: 1008 with the reason).
        case closed(code: Int?, reason: String)
    }

    /// How one message ended, and what the client received on the way.
    struct Exchange {
        enum Ending: Equatable {
            /// The reply, and whether its text is exactly what the token events delivered.
            case response(provider: String?, attempted: Int, matchesTokens: Bool)
            case interrupted(deliveredTokens: Int?, content: String?)
            case cancelled
            case error(code: String?, message: String?)
            /// The client dropped the connection itself (a lost network).
            case dropped
            /// The server closed the socket, or it went away.
            case closed(code: Int?, reason: String?)
        }

        var ending: Ending = .closed(code: nil, reason: nil)
        var tokens = 0
        var text = ""
        var firstToken: Duration?
        var lastToken: Duration?
        var finished: Duration?
    }

    /// Opens `/ws/chat` as `user` and waits for `ready`.
    func open(as user: VirtualUser, index: Int) async -> Opening {
        await api.freshTokens(for: user, index: index)
        let call = HTTPCall(.get, "/ws/chat?token=" + user.tokens.access)
        let socket: InProcessSocket
        switch await api.transport.upgrade(call, from: user.address, name: "ws-server-\(index)") {
        case .accepted(let accepted): socket = accepted
        case .refused(let answer): return .refused(answer)
        }
        switch await socket.receive() {
        case .text(let text) where text.contains(#""type":"ready""#): return .open(socket)
        case .close(let code, let reason): return .closed(code: code, reason: reason)
        default: return .closed(code: nil, reason: "no ready event")
        }
    }

    /// Sends one `chat` and reads its events to the end. With `dropAfter`, the connection drops when that many token
    /// events have come, or as the ending arrives if the reply is shorter (the reply was complete and stored, but the
    /// client never saw its end). With `cancelAfter`, the client sends `cancel` after that many token events.
    func exchange(on socket: InProcessSocket, chat: String, clock: SystemClock, dropAfter: Int?, cancelAfter: Int?) async -> Exchange {
        var exchange = Exchange()
        guard socket.send(chat) else { return exchange }
        while let frame = await socket.receive() {
            guard case .text(let text) = frame else {
                if case .close(let code, let reason) = frame { exchange.ending = .closed(code: code, reason: reason) }
                return exchange
            }
            guard let event = text.utf8.withContiguousStorageIfAvailable({ try? JSONValue(parsing: UnsafeRawBufferPointer($0)) }) ?? nil,
                let type = event["type"]?.string
            else { continue }
            switch type {
            case "token":
                let now = clock.now
                if exchange.firstToken == nil { exchange.firstToken = now }
                exchange.lastToken = now
                exchange.tokens += 1
                exchange.text += event["content"]?.string ?? ""
                if let dropAfter, exchange.tokens >= dropAfter {
                    socket.drop()
                    exchange.ending = .dropped
                    return exchange
                }
                if let cancelAfter, exchange.tokens == cancelAfter { socket.send(#"{"type":"cancel"}"#) }
                continue
            case "response":
                exchange.ending = .response(
                    provider: event["provider"]?.string,
                    attempted: event["attempted"]?.array?.count ?? 0,
                    matchesTokens: event["content"]?.string == exchange.text
                )
            case "interrupted":
                exchange.ending = .interrupted(deliveredTokens: event["delivered_tokens"]?.int, content: event["content"]?.string)
            case "cancelled":
                exchange.ending = .cancelled
            case "error":
                exchange.ending = .error(code: event["code"]?.string, message: event["message"]?.string)
            default:
                continue
            }
            if dropAfter != nil {
                socket.drop()
                exchange.ending = .dropped
                return exchange
            }
            exchange.finished = clock.now
            return exchange
        }
        return exchange
    }
}
