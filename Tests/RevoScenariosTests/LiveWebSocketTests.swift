import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import RevoCore
import RevoRuntime
import RevoServer
import Testing

@testable import RevoLive
@testable import RevoScenarios

/// The live runs' WebSocket client: frames and handshake by the RFC, and against a real server every close is seen,
/// including one the server sends in the same packet as its 101 (the case HummingbirdWSClient lost).
@Suite("Live WebSocket client")
struct LiveWebSocketTests {
    static let secret = "websocket-test-secret-of-at-least-32-bytes"

    @Test("a client frame is masked and its length encoded in 7, 16 or 64 bits")
    func clientFrames() throws {
        for size in [0, 125, 126, 65535, 65536] {
            var buffer = ByteBuffer()
            let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
            WebSocketWire.write(opcode: WebSocketWire.Opcode.text, payload: payload, mask: [1, 2, 3, 4], into: &buffer)
            let bytes = Array(buffer.readableBytesView)
            #expect(bytes[0] == 0x81)
            #expect(bytes[1] & 0x80 == 0x80, "client frames are masked")
            let header = size < 126 ? 2 : size < 65536 ? 4 : 10
            #expect(bytes.count == header + 4 + size)
            #expect(Array(bytes[header..<header + 4]) == [1, 2, 3, 4])
            let unmasked = bytes[(header + 4)...].enumerated().map { $0.element ^ [1, 2, 3, 4][$0.offset & 3] }
            #expect(unmasked == payload)
        }
    }

    @Test("a server frame is read whole or not at all; a masked or oversize one is refused")
    func serverFrames() throws {
        var buffer = ByteBuffer(bytes: [0x81, 126, 0x01, 0x00] + Array(repeating: 0x61, count: 255))
        #expect(try WebSocketWire.read(from: &buffer, maxPayload: 1024) == nil)
        #expect(buffer.readableBytes == 259, "nothing is consumed until the frame is whole")
        buffer.writeBytes([0x61, 0x88, 0x02, 0x03, 0xE8])
        let text = try #require(try WebSocketWire.read(from: &buffer, maxPayload: 1024))
        #expect(text == WebSocketWire.Frame(fin: true, opcode: 1, payload: Array(repeating: 0x61, count: 256)))
        #expect(try WebSocketWire.read(from: &buffer, maxPayload: 1024)?.payload == [0x03, 0xE8])
        var masked = ByteBuffer(bytes: [0x81, 0x81, 1, 2, 3, 4, 5])
        #expect(throws: WebSocketWire.ProtocolViolation.self) { try WebSocketWire.read(from: &masked, maxPayload: 1024) }
        var huge = ByteBuffer(bytes: [0x82, 127, 0, 0, 0, 1, 0, 0, 0, 0])
        #expect(throws: WebSocketWire.ProtocolViolation.self) { try WebSocketWire.read(from: &huge, maxPayload: 1 << 20) }
    }

    @Test("the handshake sends RFC 6455's request and checks Sec-WebSocket-Accept")
    func handshake() throws {
        let handshake = try WebSocketHandshake(url: "ws://127.0.0.1:8000/ws/chat?token=a", key: "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(handshake.expectedAccept == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        let request = handshake.request(headers: [("Origin", "http://localhost:3000")])
        #expect(request.hasPrefix("GET /ws/chat?token=a HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n"))
        #expect(request.hasSuffix("Origin: http://localhost:3000\r\n\r\n"))
        let head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
        #expect(try WebSocketHandshake.answerHead(in: ByteBuffer(string: String(head.dropLast(2)))) == nil)
        let answer = try #require(try WebSocketHandshake.answerHead(in: ByteBuffer(bytes: Array(head.utf8) + [0x88, 0x00])))
        #expect(answer.status == 101)
        #expect(Array(answer.rest.readableBytesView) == [0x88, 0x00], "the frame after the head is kept")
        #expect(handshake.refusal(of: answer) == nil)
        let forged = try #require(try WebSocketHandshake.answerHead(in: ByteBuffer(string: head.replacingOccurrences(of: "s3p", with: "x3p"))))
        #expect(handshake.refusal(of: forged) == "the 101's Sec-WebSocket-Accept is wrong")
        #expect(throws: WebSocketHandshake.Malformed.self) { try WebSocketHandshake(url: "http://127.0.0.1/ws") }
    }

    @Test("against revo: every one of 200 sockets on a wrong path sees 4404, a chat streams, a bad token gets 1008")
    func againstTheServer() async throws {
        let system = await BrowserProbeTests.system()
        let key = try JWTSecret(Array(Self.secret.utf8))
        let users = InMemoryUserStore()
        _ = try users.create(StoredUser(id: "user-ws", username: "ws-tester", passwordHash: "", createdAt: .zero))
        let token = try await TokenService(secret: key).issue(userID: "user-ws", username: "ws-tester").accessToken
        let app = RevoApplication.application(
            system: system,
            authentication: Authentication(tokens: await TokenService(secret: key), users: users, passwords: PasswordHasher(cost: 4)),
            configuration: ServerConfiguration(port: 0, requestsPerMinute: 100_000),
            clock: SystemClock(ContinuousClock()),
            metrics: ServerMetrics(),
            logger: Logger(label: "test")
        )
        do {
            try await app.test(.live) { client in
                let base = "ws://127.0.0.1:\(try #require(client.port))"
                try await Self.wrongPaths(base)
                try await Self.chat(base, token: token)
                try await Self.refusals(base, token: token)
            }
        } catch {
            Issue.record("server: \(error)")
        }
        await system.shutdown()
    }

    /// The server closes these at once, often in the packet that carries its 101.
    static func wrongPaths(_ base: String) async throws {
        var ends: [String: Int] = [:]
        for _ in 0..<25 {
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        await withWallDeadline(.seconds(10), run: { await end(of: base + "/ws") }, orElse: { "still open after 10 s" })
                    }
                }
                for try await end in group { ends[end, default: 0] += 1 }
            }
        }
        #expect(ends == ["4404 no WebSocket at /ws; it is at /ws/chat": 200])
    }

    static func end(of url: String) async -> String {
        do {
            return try await LiveWebSocket.connect(url: url) { socket in
                while true {
                    if case .closed(let code, let reason) = try await socket.next() { return "\(code.map { String($0) } ?? "none") \(reason)" }
                }
            }
        } catch {
            return "\(error)"
        }
    }

    static func chat(_ base: String, token: String) async throws {
        let (events, end) = try await LiveWebSocket.connect(url: base + "/ws/chat", headers: [("Authorization", "Bearer \(token)")]) { socket in
            var types: [String] = []
            while case .text(let text) = try await socket.next() {
                let event = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                let type = try #require(event["type"] as? String)
                types.append(type)
                if type == "ready" { try await socket.send(text: #"{"type":"chat","content":"hello","message_id":"m1"}"#) }
                if type == "response" { break }
            }
            return (types, try await socket.close())
        }
        #expect(events.first == "ready")
        #expect(events.dropFirst().first == "start")
        #expect(events.contains("token"))
        #expect(events.last == "response")
        #expect(end == .closed(code: 1000, reason: ""))
    }

    static func refusals(_ base: String, token: String) async throws {
        let tampered = await end(of: base + "/ws/chat?token=\(ForgedTokens.tampered(token))")
        #expect(tampered == "1008 the token's signature does not verify")
        do {
            _ = try await LiveWebSocket.connect(url: base + "/health/live") { _ in Issue.record("a plain route upgraded") }
        } catch let refused as LiveWebSocket.Refused {
            // HummingbirdWebSocket answers a handshake on a plain route with an empty 400.
            #expect(refused.status == 400)
            #expect(refused.body.isEmpty)
        }
    }
}
