import RevoCore
import RevoServer

/// The workload's WebSocket operations: one streamed chat, and sessions of several messages that cancel some replies
/// and, when the connection drops, reconnect and resend the message with the same `message_id`.
extension WorkloadClient {
    /// `stream`: a socket opened, one chat streamed in the user's conversation, the socket closed.
    func stream(index: Int, draw: Draw, into record: inout RequestRecord) async {
        guard let socket = await open(as: draw.user, index: index, into: &record) else { return }
        ledger.sent(on: draw.user.scoped(draw.prompt.session))
        defer { socket.close() }
        let chat = Self.chatCommand(draw.prompt.text, maxTokens: workload.maxTokens, conversation: draw.prompt.session, messageID: "s\(index)")
        let exchange = await sockets.exchange(on: socket, chat: chat, clock: clock, dropAfter: nil, cancelAfter: nil)
        record.timeToFirstToken = exchange.firstToken.map { $0 - record.intendedAt }
        if let first = exchange.firstToken, let last = exchange.lastToken, exchange.tokens > 1 {
            record.interTokenLatency = (last - first) / (exchange.tokens - 1)
        }
        if let finished = exchange.finished { record.latency = finished - record.intendedAt }
        read(exchange, into: &record)
    }

    /// `websocket`: a session of the workload's messages in a conversation of its own.
    func session(index: Int, draw: Draw, into record: inout RequestRecord) async {
        let conversation = "ws-\(index)"
        var session = MetricsRecorder.WebSocketSession(
            conversation: draw.user.scoped(conversation),
            messages: workload.websocketMessages,
            answered: 0,
            reportedErrors: 0,
            reconnects: 0,
            inconsistencies: 0
        )
        var socket: InProcessSocket?
        var cancelDraw = draw.unit
        for message in 0..<workload.websocketMessages {
            let chat = Self.chatCommand(
                "\(draw.prompt.text) (message \(message + 1))",
                maxTokens: workload.maxTokens,
                conversation: conversation,
                messageID: workload.websocketMessageIDs ? "m\(message)" : nil
            )
            // The same number cut anew per message: whether this one is cancelled after its first token.
            cancelDraw = (cancelDraw * 7).truncatingRemainder(dividingBy: 1)
            let cancels = cancelDraw < workload.websocketCancels
            await deliver(chat, cancels: cancels, socket: &socket, session: &session, user: draw.user, index: index, record: &record)
        }
        socket?.close()
        metrics.session(session)
        let ended = session.answered + session.cancelled
        if ended < session.messages {
            record.outcome = session.reportedErrors > 0 ? .unavailable : .interrupted
            record.detail = (record.detail.map { $0 + "; " } ?? "") + "\(session.messages - ended) of \(session.messages) messages unanswered"
        }
    }

    /// One message of a session, resent on a new connection (or after an interruption) until it is answered, cancelled
    /// or refused, at most ``maxAttempts`` times.
    private func deliver(
        _ chat: String,
        cancels: Bool,
        socket: inout InProcessSocket?,
        session: inout MetricsRecorder.WebSocketSession,
        user: VirtualUser,
        index: Int,
        record: inout RequestRecord
    ) async {
        for attempt in 1...Self.maxAttempts {
            if attempt > 1 { try? await clock.sleep(for: Self.reconnectDelay) }
            if socket == nil {
                socket = await open(as: user, index: index, into: &record)
                guard socket != nil else {
                    session.reportedErrors += 1
                    return
                }
            }
            // The connection drops after this many token events, if a fault says so.
            let dropAfter = socketDrops()
            let exchange = await sockets.exchange(
                on: socket!,
                chat: chat,
                clock: clock,
                dropAfter: dropAfter,
                cancelAfter: cancels && attempt == 1 ? 1 : nil
            )
            switch exchange.ending {
            case .response(_, _, let matchesTokens):
                if !matchesTokens { session.inconsistencies += 1 }
                session.answered += 1
                return
            case .cancelled:
                session.cancelled += 1
                return
            case .error(let code, let message):
                session.reportedErrors += 1
                record.errorCode = code
                record.detail = "error \(code ?? "-"): \(message ?? "")"
                return
            case .interrupted(let delivered, let content):
                if delivered != exchange.tokens || content != exchange.text { session.inconsistencies += 1 }
                session.reconnects += 1
                record.interruptions += 1
            case .dropped, .closed:
                socket = nil
                session.reconnects += 1
            }
        }
        session.reportedErrors += 1
    }

    /// Opens a socket for `record`'s request; nil (with the record saying why) when the server refused it.
    private func open(as user: VirtualUser, index: Int, into record: inout RequestRecord) async -> InProcessSocket? {
        switch await sockets.open(as: user, index: index) {
        case .open(let socket):
            record.status = 101
            return socket
        case .refused(let answer):
            record.read(answer)
            if record.outcome == .ok { record.outcome = .unavailable }
            return nil
        case .closed(let code, let reason):
            record.status = 101
            record.outcome = code == 1008 ? .rejected : .unavailable
            record.detail = "closed \(code.map(String.init) ?? "-"): \(reason)"
            return nil
        }
    }

    /// A streamed chat's ending as the record's outcome.
    private func read(_ exchange: SocketClient.Exchange, into record: inout RequestRecord) {
        switch exchange.ending {
        case .response(let provider, let attempted, let matchesTokens):
            record.fellBack = attempted > 1
            if !matchesTokens {
                record.outcome = .interrupted
                record.detail = "the reply's text differs from what its tokens delivered"
            }
            if let provider {
                record.provider = ProviderID(provider)
                record.providerKind = ProviderKind.of(provider)
            }
            record.upstreamCalls = attempted
        case .interrupted(_, let content):
            record.outcome = .interrupted
            record.interruptions = 1
            record.detail = "interrupted after \(exchange.tokens) token events (\(content?.utf8.count ?? 0) bytes delivered)"
        case .cancelled:
            record.outcome = .unavailable
            record.detail = "cancelled"
        case .error(let code, let message):
            record.errorCode = code
            record.outcome = ["invalid_field", "malformed_json", "busy", "content_rejected"].contains(code ?? "") ? .rejected : .unavailable
            record.detail = "error \(code ?? "-"): \(message ?? "")"
        case .dropped, .closed:
            record.outcome = .unavailable
            record.detail = "the socket closed before the reply ended"
        }
    }

    /// A `chat` command as a client writes it.
    static func chatCommand(_ content: String, maxTokens: Int, conversation: String, messageID: String?) -> String {
        var command = JSONObjectWriter(capacity: 96 + content.utf8.count)
        command.field("content", content)
        command.field("conversation_id", conversation)
        command.field("max_tokens", maxTokens)
        command.field("message_id", messageID)
        command.field("type", "chat")
        return command.finishedText()
    }
}
