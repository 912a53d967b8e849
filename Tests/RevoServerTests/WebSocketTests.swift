import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import RevoCore
import RevoRuntime
import RevoServer
import RevoSim
import Synchronization
import Testing

@testable import RevoLive

/// `WS /ws/chat` over real sockets (HummingbirdTesting live mode).
@Suite("WebSocket chat")
struct WebSocketTests {
    /// Windows a loaded machine cannot miss, for tests about what happens inside them.
    static let settings = WebSocketSettings(pingInterval: .seconds(30), authTimeout: .seconds(30), maxMessageBytes: 4_096)
    /// Short ping and auth windows, for the tests about those windows.
    static let quick = WebSocketSettings(pingInterval: .milliseconds(300), authTimeout: .milliseconds(300), maxMessageBytes: 4_096)

    /// Runs a live server over a fresh system on a free port and hands `body` the port and an access token; the
    /// system is shut down afterwards.
    static func withServer(
        providers: [any ModelProvider]? = nil,
        settings: WebSocketSettings = Self.settings,
        _ body: @escaping @Sendable (_ port: Int, _ token: String) async throws -> Void
    ) async throws {
        let system: RevoSystem
        if let providers {
            system = await ServerTests.system(providers: providers)
        } else {
            system = await ServerTests.system()
        }
        let token = try await token()
        let app = RevoApplication.application(
            system: system,
            authentication: await TestAuth.authentication(),
            configuration: ServerConfiguration(port: 0, requestsPerMinute: 10_000, webSocket: settings),
            clock: SystemClock(ContinuousClock()),
            metrics: ServerMetrics(),
            logger: Logger(label: "test")
        )
        do {
            try await app.test(.live) { client in try await body(try #require(client.port), token) }
        } catch {
            await system.shutdown()
            throw error
        }
        await system.shutdown()
    }

    /// Connects, runs `script` with the inbound text messages as decoded JSON, then closes (unless the server has)
    /// and returns how the socket ended.
    static func connect(
        port: Int,
        query: String = "",
        _ script: @escaping @Sendable (Inbox, LiveWebSocket.Sender) async throws -> Void
    ) async throws -> LiveWebSocket.Event {
        try await LiveWebSocket.connect(url: "ws://127.0.0.1:\(port)/ws/chat\(query)") { socket in
            try await script(Inbox(socket), socket.sender)
            return try await socket.close()
        }
    }

    /// The server's events, one at a time.
    final class Inbox: @unchecked Sendable {
        private let socket: LiveWebSocket

        init(_ socket: LiveWebSocket) {
            self.socket = socket
        }

        func next() async throws -> [String: Any]? {
            guard case .text(let text) = try await socket.next() else { return nil }
            return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        }

        /// Events up to and including the first of type `last`.
        func until(_ last: String) async throws -> [[String: Any]] {
            var events: [[String: Any]] = []
            while let event = try await next() {
                events.append(event)
                if event["type"] as? String == last { break }
            }
            return events
        }
    }

    static func token() async throws -> String {
        try await TokenService(secret: TestAuth.secret).issue(userID: "user-ws", username: "ws").accessToken
    }

    @Test("a token in the query opens the socket; a chat streams start, tokens and the response")
    func streaming() async throws {
        try await Self.withServer { port, token in
            let close = try await Self.connect(port: port, query: "?token=\(token)") { inbox, outbound in
                #expect(try await inbox.next()?["type"] as? String == "ready")
                try await outbound.send(text: #"{"type":"chat","content":"hello","message_id":"m1"}"#)
                let events = try await inbox.until("response")
                #expect(events.first?["type"] as? String == "start")
                #expect(events.first?["message_id"] as? String == "m1")
                let tokens = events.filter { $0["type"] as? String == "token" }.compactMap { $0["content"] as? String }
                let response = try #require(events.last)
                #expect(response["type"] as? String == "response")
                #expect(!tokens.isEmpty)
                #expect(tokens.joined() == response["content"] as? String)
                #expect(response["provider"] as? String == "openai")
                #expect(response["attempted"] as? [String] == ["openai"])
            }
            #expect(close.closeCode == 1000)
        }
    }

    @Test("without a token the socket is closed with 1008 once the auth window passes")
    func missingToken() async throws {
        try await Self.withServer(settings: Self.quick) { port, _ in
            let close = try await Self.connect(port: port) { inbox, _ in
                let event = try await inbox.next()
                #expect(event == nil)
            }
            #expect(close.closeCode == 1008)
        }
    }

    @Test("a WebSocket opened on a wrong path is closed with 4404 naming /ws/chat; a plain request there gets the JSON 404")
    func wrongPath() async throws {
        try await Self.withServer { port, _ in
            let frames = try await RawWebSocket.framesUntilClosed(port: port, path: "/ws", limit: .seconds(10))
            #expect(frames.last?.closeCode == 4404)
            #expect(frames.last?.closeReason == "no WebSocket at /ws; it is at /ws/chat")
        }
        let system = await ServerTests.system()
        try await ServerTests.app(system).test(.router) { client in
            try await client.execute(uri: "/ws", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(ServerTests.error(response.body)["message"] as? String == "no route GET /ws; did you mean /ws/chat?")
            }
            try await client.execute(uri: "/chat", method: .post) { response in
                #expect(ServerTests.error(response.body)["message"] as? String == "no route POST /chat; did you mean /api/chat?")
                // Read as text too (a frontend's log, the live probes): paths are not written as `\/`.
                #expect(String(buffer: response.body).contains("did you mean /api/chat?"))
            }
            try await client.execute(uri: "/api/v1/models", method: .get) { response in
                #expect(ServerTests.error(response.body)["message"] as? String == "no route GET /api/v1/models; did you mean /api/models?")
            }
        }
        await system.shutdown()
    }

    @Test("an invalid or expired token is closed with 1008 and the reason")
    func invalidToken() async throws {
        let expired = try await TokenService(secret: TestAuth.secret, now: { Date().addingTimeInterval(-3_600) })
            .issue(userID: "user-ws", username: "ws").accessToken
        try await Self.withServer { port, token in
            let tampered = token + "x"
            let forged = try await RawWebSocket.framesUntilClosed(
                port: port,
                path: "/ws/chat",
                headers: ["Authorization: Bearer \(tampered)"],
                limit: .seconds(10)
            )
            #expect(forged.last?.closeCode == 1008)
            #expect(forged.last?.closeReason == "the token's signature does not verify")
            let old = try await RawWebSocket.framesUntilClosed(port: port, path: "/ws/chat?token=\(expired)", limit: .seconds(10))
            #expect(old.last?.closeCode == 1008)
            #expect(old.last?.closeReason == "the token has expired")
        }
    }

    @Test("a first auth message opens the socket; bad commands get errors and the socket stays open")
    func firstMessageAuth() async throws {
        try await Self.withServer { port, token in
            _ = try await Self.connect(port: port) { inbox, outbound in
                try await outbound.send(text: #"{"type":"auth","token":"\#(token)"}"#)
                #expect(try await inbox.next()?["user"] as? String == "ws")
                try await outbound.send(text: "not json")
                #expect(try await inbox.next()?["code"] as? String == "malformed_json")
                try await outbound.send(text: #"{"type":"dance"}"#)
                let unknown = try await inbox.next()
                #expect(unknown?["field"] as? String == "type")
                #expect((unknown?["message"] as? String)?.contains("auth, chat, cancel, ping") == true)
                try await outbound.send(text: #"{"type":"chat","content":"hi","temperature":5}"#)
                #expect(try await inbox.next()?["field"] as? String == "temperature")
                try await outbound.send(text: #"{"type":"ping"}"#)
                #expect(try await inbox.next()?["type"] as? String == "pong")
            }
        }
    }

    @Test("a stream cut after tokens were sent is reported as interrupted with exactly what was delivered")
    func interrupted() async throws {
        try await Self.withServer(providers: [CuttingProvider(.openai(hasKey: true)), InstantProvider(.mock())]) { port, token in
            _ = try await Self.connect(port: port, query: "?token=\(token)") { inbox, outbound in
                _ = try await inbox.next()
                try await outbound.send(text: #"{"type":"chat","content":"hello"}"#)
                let events = try await inbox.until("interrupted")
                let delivered = events.filter { $0["type"] as? String == "token" }.compactMap { $0["content"] as? String }.joined()
                let end = try #require(events.last)
                #expect(end["type"] as? String == "interrupted")
                #expect(end["content"] as? String == delivered)
                #expect(end["delivered_tokens"] as? Int == 3)
                #expect(end["provider"] as? String == "openai")
            }
        }
    }

    @Test("a message over the limit closes the socket with 1009")
    func oversized() async throws {
        try await Self.withServer { port, token in
            let close = try await Self.connect(port: port, query: "?token=\(token)") { inbox, outbound in
                _ = try await inbox.next()
                try await outbound.send(text: String(repeating: "x", count: 10_000))
                while try await inbox.next() != nil {}
            }
            #expect(close.closeCode == 1009)
        }
    }

    @Test("one frame over the default 64 KiB limit is read to its end and answered with 1009, not a reset")
    func oversizedSingleFrame() async throws {
        let system = await ServerTests.system()
        let token = try await Self.token()
        let app = RevoApplication.application(
            system: system,
            authentication: await TestAuth.authentication(),
            configuration: ServerConfiguration(port: 0, requestsPerMinute: 10_000),
            clock: SystemClock(ContinuousClock()),
            metrics: ServerMetrics(),
            logger: Logger(label: "test")
        )
        try await app.test(.live) { client in
            let url = "ws://127.0.0.1:\(try #require(client.port))/ws/chat?token=\(token)"
            let close = try await LiveWebSocket.connect(url: url) { socket in
                _ = try await socket.next()
                try await socket.send(text: #"{"type":"chat","content":""# + String(repeating: "x", count: 200_000) + #""}"#)
                while case .text = try await socket.next() {}
                return try await socket.close()
            }
            #expect(close.closeCode == 1009)
            #expect(close.closeReason?.contains("65536 bytes") == true)
        }
        await system.shutdown()
    }

    @Test("a client that answers pings stays connected past several ping periods")
    func pingKeepsAlive() async throws {
        // One-second periods: short enough to pass three of them, long enough that a loaded machine's stall of a
        // few hundred milliseconds does not delay a pong past the server's two-period limit.
        let settings = WebSocketSettings(pingInterval: .seconds(1), authTimeout: .seconds(30), maxMessageBytes: 4_096)
        try await Self.withServer(settings: settings) { port, token in
            _ = try await Self.connect(port: port, query: "?token=\(token)") { inbox, outbound in
                _ = try await inbox.next()
                // The client answers pings while it waits for a message, as any reading client does.
                async let later: Void = {
                    try await Task.sleep(for: .milliseconds(3_500))
                    try await outbound.send(text: #"{"type":"ping"}"#)
                }()
                #expect(try await inbox.next()?["type"] as? String == "pong")
                try await later
            }
        }
    }

    @Test("a client that never answers a ping is pinged, then dropped after the second period")
    func pingTimeout() async throws {
        try await Self.withServer(settings: Self.quick) { port, token in
            let frames = try await RawWebSocket.framesUntilClosed(port: port, path: "/ws/chat?token=\(token)", limit: .seconds(10))
            let opcodes = frames.map(\.opcode)
            #expect(opcodes.contains(0x9), "a ping was sent: \(opcodes)")
            #expect(opcodes.last == 0x8, "the server closed the socket: \(opcodes)")
            // 1001 going away, reason "Ping timeout": the peer stopped answering.
            #expect(frames.last?.closeCode == 1001)
            #expect(frames.last?.closeReason == "Ping timeout")
        }
    }
}

/// Streams three tokens, then fails like a dropped upstream connection.
struct CuttingProvider: ModelProvider {
    let descriptor: ModelDescriptor

    init(_ descriptor: ModelDescriptor) {
        self.descriptor = descriptor
    }

    func load() async throws(ProviderError) {}
    func unload() async {}
    func health() async -> ProviderHealth { .healthy }

    func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationChunk, any Error> {
        let (stream, continuation) = AsyncThrowingStream<GenerationChunk, any Error>.makeStream()
        for index in 1...3 { continuation.yield(.token("part\(index) ")) }
        continuation.finish(throwing: ProviderError.serverError(status: 502, message: "upstream closed the stream"))
        return stream
    }
}
