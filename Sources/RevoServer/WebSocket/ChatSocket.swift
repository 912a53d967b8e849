import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import RevoCore
import RevoRuntime
import Synchronization

/// `WS /ws/chat`: authenticates the socket (close 1008 without a valid token), then streams chat replies as token
/// events. One reply streams at a time per socket; writes are backpressured and bounded in time, so a slow client
/// costs at most one channel buffer and is dropped after ``WebSocketSettings/writeTimeout``.
///
/// The protocol runs over a ``SocketConnection``: a real socket from HummingbirdWebSocket, or an in-process one when
/// the router was called without a server (the simulation), so both run this same code.
struct ChatSocket<Context: IdentifiedRequestContext & RequestIDContext & WebSocketRequestContext & InProcessUpgradeContext>: Sendable {
    let system: RevoSystem
    let tokens: TokenService
    let settings: WebSocketSettings
    let clock: SystemClock
    let starter: any TaskStarter
    let connections = ConnectionCounter()

    /// Where the wrong-path catch-all is registered: everywhere (`**`), and under each first segment of the API's
    /// paths, since the router does not fall back from `/ws/...` or `/api/...` to the root's `**`.
    static var wrongPaths: [String] {
        var firsts: [String] = []
        for path in RouteSuggestion.paths {
            guard let first = path.split(separator: "/").first.map({ "/" + $0 }), !firsts.contains(first) else { continue }
            firsts.append(first)
        }
        return ["**"] + firsts.flatMap { first in RouteSuggestion.paths.contains(first) ? [first + "/**"] : [first, first + "/**"] }
    }

    func register(on router: Router<Context>) {
        // A WebSocket opened anywhere else: HummingbirdWebSocket would answer the failed handshake with an empty 400,
        // and a browser shows a handshake's status to no script anyway. So it is accepted and closed at once with
        // 4404 and a reason naming the right path, which `onclose` does show. Plain requests still get the JSON 404.
        for path in Self.wrongPaths {
            router.ws(RouterPath(path)) { request, context in
                guard request.headers[.upgrade]?.lowercased() == "websocket" else { throw HTTPError(.notFound) }
                let path = request.uri.path
                context.inProcessUpgrade?.accept { connection in await refuse(connection, path: path) }
                return .upgrade([:])
            } onUpgrade: { inbound, outbound, context in
                await refuse(socket(inbound, outbound), path: context.request.uri.path)
            }
        }
        let served = settings.path
        router.ws(RouterPath(served)) { request, context in
            guard request.headers[.upgrade]?.lowercased() == "websocket" else {
                throw APIError(
                    status: .upgradeRequired,
                    code: "websocket_required",
                    message: "\(served) is a WebSocket: connect with Upgrade: websocket (ws://HOST\(served))"
                )
            }
            // The session outlives the request's handling, and with it the request id's binding for log lines.
            let logger = context.logger.naming(request: context.requestID)
            context.inProcessUpgrade?.accept { connection in await accepted(connection, request: request, logger: logger) }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let logger = context.logger.naming(request: context.requestContext.requestID)
            await accepted(socket(inbound, outbound), request: context.request, logger: logger)
        }
    }

    private func socket(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) -> HummingbirdSocket {
        HummingbirdSocket(inbound: inbound, outbound: outbound, writeTimeout: settings.writeTimeout)
    }

    private func refuse(_ connection: some SocketConnection, path: String) async {
        try? await connection.close(.unknown(4404), reason: Self.closeReason("no WebSocket at \(path.prefix(40)); it is at \(settings.path)"))
    }

    /// An upgraded socket: counted against the server's limit, then served until it closes.
    private func accepted(_ connection: some SocketConnection, request: Request, logger: Logger) async {
        guard connections.open(limit: settings.maxConnections) else {
            try? await connection.close(.unknown(1013), reason: "too many open sockets; try again later")
            return
        }
        defer { connections.close() }
        do {
            try await session(connection, request: request, logger: logger)
        } catch {
            // The socket is gone; nothing is left to tell.
            logger.debug("websocket ended", metadata: ["error": "\(error)"])
        }
    }

    private func session<Connection: SocketConnection>(_ connection: Connection, request: Request, logger: Logger) async throws {
        let writer = EventWriter(connection: connection)
        var messages = connection.messages(maxSize: settings.maxMessageBytes)
        let identity: TokenService.Identity
        do throws(AuthError) {
            identity = try await authenticate(request, messages: &messages, connection: connection)
        } catch {
            logger.info("websocket refused", metadata: ["reason": "\(error)"])
            try await connection.close(.policyViolation, reason: Self.closeReason(error.description))
            return
        }

        var ready = SocketEvent(type: "ready")
        ready.user = identity.username
        try await writer.send(ready)

        let slot = StreamSlot(starter: starter)
        do {
            try await serve(&messages, session: Session(identity: identity, slot: slot, writer: writer, logger: logger))
        } catch {
            await slot.stop()
            throw error
        }
        await slot.stop()
    }

    /// A token at the upgrade (header or ?token=) or in the first message; browsers cannot set headers. A socket that
    /// sends no `auth` within ``WebSocketSettings/authTimeout`` is closed.
    private func authenticate<Connection: SocketConnection>(
        _ request: Request,
        messages: inout Connection.Messages,
        connection: Connection
    ) async throws(AuthError) -> TokenService.Identity {
        if let token = Self.upgradeToken(request) { return try await tokens.verify(token, as: .access) }
        let timeout = settings.authTimeout
        let clock = self.clock
        let watchdog = starter.start("ws.auth-watchdog") {
            do { try await clock.sleep(for: timeout) } catch { return }
            try? await connection.close(.policyViolation, reason: "authentication required within \(timeout)")
        }
        defer { watchdog.cancel() }
        guard case .text(let text) = try? await messages.next(isolation: #isolation),
            let command = try? SocketCommand(text: text),
            command.kind == .auth, let token = command.token
        else { throw AuthError.missingToken }
        watchdog.cancel()
        return try await tokens.verify(token, as: .access)
    }

    private static func size(_ message: WebSocketMessage) -> Int {
        switch message {
        case .text(let text): text.utf8.count
        case .binary(let buffer): buffer.readableBytes
        }
    }

    /// An authenticated socket: who it is, its one reply slot, its writer and its logger.
    private struct Session<Connection: SocketConnection> {
        let identity: TokenService.Identity
        let slot: StreamSlot
        let writer: EventWriter<Connection>
        let logger: Logger
    }

    /// Answers commands until the client closes.
    private func serve<Connection: SocketConnection>(_ messages: inout Connection.Messages, session: Session<Connection>) async throws {
        while true {
            switch try await nextCommand(&messages, writer: session.writer) {
            case .end: return
            case .answered: continue
            case .command(let command): try await handle(command, in: session)
            }
        }
    }

    /// What the next message is: a command to handle, a bad one already answered with an error event, or the end.
    private enum Next {
        case command(SocketCommand)
        case answered
        case end
    }

    private func nextCommand<Connection: SocketConnection>(
        _ messages: inout Connection.Messages,
        writer: EventWriter<Connection>
    ) async throws -> Next {
        let message: WebSocketMessage?
        var tooLarge = false
        do {
            message = try await messages.next(isolation: #isolation)
            tooLarge = message.map(Self.size) ?? 0 > settings.maxMessageBytes
        } catch {
            message = nil
            tooLarge = true
        }
        // A message over the limit: say so and close (1009), as the protocol requires. One in several frames fails
        // the stream; one in a single frame arrives whole and is measured here.
        if tooLarge {
            try await writer.connection.close(.messageTooLarge, reason: "messages are limited to \(settings.maxMessageBytes) bytes")
            return .end
        }
        guard let message else { return .end }
        guard case .text(let text) = message else {
            try await writer.send(
                .error(APIError(status: .badRequest, code: "malformed_json", message: "expected a text frame holding a JSON object with a type"))
            )
            return .answered
        }
        do throws(APIError) {
            return .command(try SocketCommand(text: text))
        } catch {
            try await writer.send(.error(error))
            return .answered
        }
    }

    private func handle<Connection: SocketConnection>(_ command: SocketCommand, in session: Session<Connection>) async throws {
        let writer = session.writer
        switch command.kind {
        case .ping:
            try await writer.send(SocketEvent(type: "pong"))
        case .auth:
            try await writer.send(.error(APIError(status: .badRequest, code: "already_authenticated", message: "this socket is authenticated")))
        case .cancel:
            session.slot.cancel()
        case .chat:
            try await startChat(command, in: session)
        case nil:
            let allowed = SocketCommand.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            let message = "type: '\(command.type)' is not one of \(allowed)"
            try await writer.send(.error(APIError(status: .unprocessableContent, code: "invalid_field", message: message, field: "type")))
        }
    }

    /// Starts streaming a `chat` command's reply, unless its fields are bad or a reply is already streaming.
    private func startChat<Connection: SocketConnection>(_ command: SocketCommand, in session: Session<Connection>) async throws {
        let (writer, logger) = (session.writer, session.logger)
        let request: ChatRequest
        do throws(APIError) {
            request = try Self.request(command, identity: session.identity, knownProviders: system.models.registeredProviders)
        } catch {
            try await writer.send(.error(error, messageId: command.messageId))
            return
        }
        let messageID = command.messageId ?? system.ids.next("ws")
        let started = session.slot.start { await stream(request, messageID: messageID, writer: writer, logger: logger) }
        if !started {
            let busy = APIError(status: .tooManyRequests, code: "busy", message: "one reply streams at a time; send cancel first")
            try await writer.send(.error(busy, messageId: messageID))
        }
    }

    /// A `chat` command's request, checked before `start`, so a bad field is one error event rather than a started
    /// reply.
    private static func request(
        _ command: SocketCommand,
        identity: TokenService.Identity,
        knownProviders: [ProviderID]
    ) throws(APIError) -> ChatRequest {
        let body = try command.chatBody()
        do throws(ChatError) {
            let request = try body.request.scoped(to: identity)
            try request.validate(knownProviders: knownProviders)
            return request
        } catch {
            throw APIError(error)
        }
    }

    /// One reply: `start`, `token`…, then `response`, `interrupted` (with exactly what was delivered), `cancelled` or
    /// `error`.
    private func stream<Connection: SocketConnection>(
        _ request: ChatRequest,
        messageID: String,
        writer: EventWriter<Connection>,
        logger: Logger
    ) async {
        do {
            try await writer.send(SocketEvent(type: "start", messageId: messageID))
            let reply: ChatReply
            do throws(ChatError) {
                reply = try await system.chat.streamChat(request) { token in
                    var event = SocketEvent(type: "token", messageId: messageID)
                    event.content = token
                    try await writer.send(event)
                }
            } catch {
                try await writer.send(Self.event(for: error, messageID: messageID))
                return
            }
            var done = SocketEvent(type: "response", messageId: messageID)
            done.content = reply.content
            done.provider = reply.provider.rawValue
            done.tokensUsed = reply.tokensUsed
            done.generationTime = reply.generationTime.timeInterval
            done.attempted = reply.trace.attempted.map(\.rawValue)
            try await writer.send(done)
        } catch let error as SocketStalled {
            logger.notice("websocket client too slow; closing", metadata: ["message_id": "\(messageID)"])
            try? await writer.connection.close(.policyViolation, reason: Self.closeReason(error.description))
        } catch {
            // The socket is gone; nothing is left to tell.
        }
    }

    static func event(for error: ChatError, messageID: String) -> SocketEvent {
        switch error {
        case .interrupted(let interruption):
            var event = SocketEvent(type: "interrupted", messageId: messageID)
            event.content = interruption.deliveredText
            event.deliveredTokens = interruption.deliveredTokens
            event.provider = interruption.provider.rawValue
            event.message = "\(interruption.error)"
            event.attempted = interruption.trace.attempted.map(\.rawValue)
            return event
        case .cancelled:
            return SocketEvent(type: "cancelled", messageId: messageID)
        default:
            return .error(APIError(error), messageId: messageID)
        }
    }

    static func upgradeToken(_ request: Request) -> String? {
        if let token = try? AuthMiddleware<Context>.bearerToken(request) { return token }
        return request.uri.queryParameters["token"].map(String.init)
    }

    /// Close reasons are limited to 123 bytes by the protocol.
    static func closeReason(_ text: String) -> String {
        var reason = text
        while reason.utf8.count > 123 { reason.removeLast() }
        return reason
    }
}

/// Open sockets, so one server cannot be made to hold unbounded connections.
final class ConnectionCounter: Sendable {
    private let count = Mutex(0)

    func open(limit: Int) -> Bool {
        count.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func close() {
        count.withLock { $0 -= 1 }
    }

    var openCount: Int { count.withLock { $0 } }
}
