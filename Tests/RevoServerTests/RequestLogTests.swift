import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import RevoRuntime
import Synchronization
import Testing

@testable import RevoServer

/// Every line written while a request is handled names the request, through `RequestLogMetadata.provider`, as
/// `revo serve` bootstraps its logging.
@Suite("Request ids in log lines")
struct RequestLogTests {
    /// Keeps each line's message and metadata, the provider's included.
    final class CapturedLines: Sendable {
        let lines = Mutex<[(message: String, metadata: Logger.Metadata)]>([])

        var logger: Logger {
            var logger = Logger(label: "test") { _ in Handler(lines: self) }
            logger.logLevel = .info
            return logger
        }

        func first(_ message: String) -> Logger.Metadata? {
            lines.withLock { $0.first { $0.message == message }?.metadata }
        }

        struct Handler: LogHandler {
            let lines: CapturedLines
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .info
            var metadataProvider: Logger.MetadataProvider? = RequestLogMetadata.provider

            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }

            func log(event: LogEvent) {
                let provided = metadataProvider?.get() ?? [:]
                let all = provided.merging(metadata) { _, own in own }.merging(event.metadata ?? [:]) { _, explicit in explicit }
                lines.lines.withLock { $0.append((event.message.description, all)) }
            }
        }
    }

    @Test("a line a route or a middleware writes, and the access line, carry the request's id; others do not")
    func httpLines() async throws {
        let captured = CapturedLines()
        let system = await ServerTests.system()
        let app = Application(
            router: RevoApplication.router(
                system: system,
                authentication: await TestAuth.authentication(),
                configuration: ServerConfiguration(allowedOrigins: ["http://localhost:3000"], requestsPerMinute: 10_000, accessLog: true),
                clock: SystemClock(ContinuousClock())
            ),
            logger: captured.logger
        )
        try await app.test(.router) { client in
            let headers: HTTPFields = [.requestID: "log-test-1", .origin: "http://evil.example"]
            try await client.execute(uri: "/health/live", method: .get, headers: headers) { response in
                #expect(response.headers[.requestID] == "log-test-1")
            }
        }
        captured.logger.info("outside any request")
        let rejected = try #require(captured.first("CORS origin rejected"))
        #expect(rejected["request"] == "log-test-1")
        let access = try #require(captured.first("request"))
        #expect(access["request"] == "log-test-1")
        #expect(access["route"] == "/health/live")
        #expect(try #require(captured.first("outside any request"))["request"] == nil)
        await system.shutdown()
    }

    @Test("a WebSocket session's lines carry the id of the request that opened it")
    func webSocketLines() async throws {
        let captured = CapturedLines()
        let system = await ServerTests.system()
        let app = RevoApplication.application(
            system: system,
            authentication: await TestAuth.authentication(),
            configuration: ServerConfiguration(port: 0, requestsPerMinute: 10_000, webSocket: WebSocketTests.settings),
            clock: SystemClock(ContinuousClock()),
            metrics: ServerMetrics(),
            logger: captured.logger
        )
        try await app.test(.live) { client in
            let frames = try await RawWebSocket.framesUntilClosed(
                port: try #require(client.port),
                path: "/ws/chat",
                headers: ["Authorization: Bearer not-a-token", "x-request-id: ws-log-1"],
                limit: .seconds(10)
            )
            #expect(frames.last?.closeCode == 1008)
        }
        let refused = try #require(captured.first("websocket refused"))
        #expect(refused["request"] == "ws-log-1")
        await system.shutdown()
    }
}
