import NIOCore
import NIOPosix
import RevoScenarios
import Synchronization

/// A WebSocket client for live runs: the handshake and frames are read from the connection's bytes directly, so a
/// frame the server sends in the same packet as its 101 (revo's `ready`, or a close at once for a bad token) is
/// never lost between an HTTP decoder and a frame decoder.
///
/// One task reads (``next()``) at a time; ``sender`` may write from another.
final class LiveWebSocket: @unchecked Sendable {
    /// What the server sent: a whole message, or the end of the socket with its close code (nil when the connection
    /// ended without a close frame, which a browser reports as 1006) and reason.
    enum Event: Equatable {
        case text(String)
        case binary([UInt8])
        case closed(code: UInt16?, reason: String)

        var closeCode: UInt16? {
            if case .closed(let code, _) = self { code } else { nil }
        }

        var closeReason: String? {
            if case .closed(_, let reason) = self { reason } else { nil }
        }
    }

    /// Writes to the socket; it may be used from another task while one reads.
    struct Sender: Sendable {
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        /// Whether this end has sent its close frame (it sends one at most).
        private let closing = CloseOnce()

        init(outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
            self.outbound = outbound
        }

        var closeSent: Bool { closing.sent.load(ordering: .acquiring) }

        /// Starts the closing handshake from this end; nothing once a close has been sent.
        func sendClose(code: UInt16, reason: String) async throws {
            guard closing.sent.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
            try await send(opcode: WebSocketWire.Opcode.close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8.prefix(123)))
        }

        func send(text: String) async throws {
            try await send(opcode: WebSocketWire.Opcode.text, payload: Array(text.utf8))
        }

        func send(opcode: UInt8, payload: [UInt8]) async throws {
            var buffer = ByteBuffer()
            WebSocketWire.write(opcode: opcode, payload: payload, mask: (0..<4).map { _ in UInt8.random(in: 0...255) }, into: &buffer)
            try await outbound.write(buffer)
        }
    }

    /// The server answered the handshake with something other than 101 (or a 101 that does not complete it).
    struct Refused: Error, CustomStringConvertible {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: String
        var description: String { "the server answered the WebSocket handshake with \(status): \(body.prefix(200))" }
    }

    let sender: Sender
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var pending: ByteBuffer
    private let maxMessage: Int
    /// How the socket ended, once it has.
    private(set) var end: Event?

    /// Opens `url` with `headers` added to the handshake, runs `body` on the open socket, then closes the connection.
    static func connect<Result: Sendable>(
        url: String,
        headers: [(name: String, value: String)] = [],
        maxMessage: Int = 1 << 20,
        _ body: (LiveWebSocket) async throws -> Result
    ) async throws -> Result {
        let handshake = try WebSocketHandshake(url: url)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: handshake.host, port: handshake.port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: handshake.request(headers: headers)))
            var iterator = inbound.makeAsyncIterator()
            let answer = try await Self.answer(to: handshake, from: &iterator)
            let socket = LiveWebSocket(inbound: iterator, outbound: outbound, pending: answer.rest, maxMessage: maxMessage)
            return try await body(socket)
        }
    }

    private init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        pending: ByteBuffer,
        maxMessage: Int
    ) {
        self.inbound = inbound
        self.sender = Sender(outbound: outbound)
        self.pending = pending
        self.maxMessage = maxMessage
    }

    /// The answer's head (and what followed it); `Refused` unless it is a 101 that completes the handshake.
    private static func answer(
        to handshake: WebSocketHandshake,
        from inbound: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    ) async throws -> WebSocketHandshake.Answer {
        var received = ByteBuffer()
        while true {
            if let answer = try WebSocketHandshake.answerHead(in: received) {
                if answer.status == 101, let refusal = handshake.refusal(of: answer) {
                    throw Refused(status: 101, headers: answer.headers, body: refusal)
                }
                guard answer.status == 101 else { throw try await refused(answer, inbound: &inbound) }
                return answer
            }
            guard var more = try await inbound.next(isolation: #isolation) else {
                throw Refused(status: 0, headers: [], body: "the connection closed before the server answered the handshake")
            }
            received.writeBuffer(&more)
        }
    }

    /// A refusal with the answer's body: `Content-Length` bytes, or what arrives before the server closes.
    private static func refused(
        _ answer: WebSocketHandshake.Answer,
        inbound: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    ) async throws -> Refused {
        var body = answer.rest
        let length = answer.header("content-length").flatMap { Int($0) } ?? 65536
        while body.readableBytes < min(length, 65536), var more = try await inbound.next(isolation: #isolation) { body.writeBuffer(&more) }
        return Refused(status: answer.status, headers: answer.headers, body: String(buffer: body))
    }

    /// The next message or the end of the socket. Pings are answered; a close is answered and the connection read to
    /// its end, as RFC 6455 has the client wait for the server to close TCP.
    func next() async throws -> Event {
        if let end { return end }
        var message: [UInt8] = []
        var messageOpcode: UInt8?
        while true {
            guard let frame = try await nextFrame() else { return ended(.closed(code: nil, reason: "")) }
            switch frame.opcode {
            case WebSocketWire.Opcode.ping:
                // A pong that cannot be written means the connection is closing; the next read says how.
                try? await sender.send(opcode: WebSocketWire.Opcode.pong, payload: frame.payload)
            case WebSocketWire.Opcode.pong:
                continue
            case WebSocketWire.Opcode.close:
                return try await closed(by: frame)
            default:
                messageOpcode = messageOpcode ?? frame.opcode
                message += frame.payload
                guard message.count <= maxMessage else {
                    throw WebSocketWire.ProtocolViolation(description: "a message over the client's limit of \(maxMessage) bytes")
                }
                guard frame.fin else { continue }
                return messageOpcode == WebSocketWire.Opcode.text ? .text(String(decoding: message, as: UTF8.self)) : .binary(message)
            }
        }
    }

    func send(text: String) async throws {
        try await sender.send(text: text)
    }

    /// Starts the closing handshake and waits for the server's close (or the end of the connection); how the socket
    /// ended if it already has.
    @discardableResult
    func close(code: UInt16 = 1000, reason: String = "") async throws -> Event {
        if let end { return end }
        try await sender.sendClose(code: code, reason: reason)
        while true {
            let event = try await next()
            if case .closed = event { return event }
        }
    }

    private func ended(_ event: Event) -> Event {
        end = event
        return event
    }

    private func closed(by frame: WebSocketWire.Frame) async throws -> Event {
        let code = frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : nil
        let reason = frame.payload.count > 2 ? String(decoding: frame.payload[2...], as: UTF8.self) : ""
        try? await sender.sendClose(code: code ?? 1000, reason: "")
        // Read to the server's end of the connection; an error there (a reset after our reply) ends it too.
        while (try? await inbound.next()) != nil {}
        return ended(.closed(code: code, reason: reason))
    }

    private func nextFrame() async throws -> WebSocketWire.Frame? {
        while true {
            if let frame = try WebSocketWire.read(from: &pending, maxPayload: maxMessage) { return frame }
            guard var more = try await inbound.next() else { return nil }
            pending.writeBuffer(&more)
        }
    }
}

/// Shared by a socket's copies of its ``LiveWebSocket/Sender``.
private final class CloseOnce: Sendable {
    let sent = Atomic(false)
}
