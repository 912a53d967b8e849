import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import Testing

@testable import RevoScenarios

/// The simulation enters through HTTP and WebSocket, so the gate sees the API layer: break a route, the token check,
/// CORS, the JSON the answers are written in, or where the WebSocket lives, and a library scenario fails on the check
/// that guards it.
@Suite("The scenario gate sees the API layer")
struct GateSeesTheAPITests {
    struct Breakage: Sendable, CustomTestStringConvertible {
        var scenario: String
        var broken: String
        var failingCheck: String
        var interceptor: InProcessServer.Interceptor

        var testDescription: String { "\(scenario) with \(broken) fails \(failingCheck)" }
    }

    static let breakages: [Breakage] = [
        Breakage(scenario: "baseline-healthy", broken: "POST /api/chat no longer routed", failingCheck: "errors: rate < 0.01") {
            request,
            context,
            next in
            guard request.method == .post, request.uri.path == "/api/chat" else { return try await next(request, context) }
            return try await next(request.changed(path: "/api/chats"), context)
        },
        Breakage(
            scenario: "baseline-healthy",
            broken: "a token check that lets bad tokens through",
            failingCheck: "status{input:bad,code:4xx}: rate == 1"
        ) {
            request,
            context,
            next in
            let response = try await next(request, context)
            guard response.status == .unauthorized, request.uri.path.hasPrefix("/api/"), let valid = lastAccepted.withLock({ $0 }) else {
                if response.status == .ok, let authorization = request.headers[.authorization] { lastAccepted.withLock { $0 = authorization } }
                return response
            }
            return try await next(request.changed { $0[.authorization] = valid }, context)
        },
        Breakage(scenario: "frontend-integration", broken: "CORS answering every origin with *", failingCheck: "probe cors-preflight-rejected-origin")
        {
            request,
            context,
            next in
            var response = try await next(request, context)
            response.headers[.accessControlAllowOrigin] = "*"
            response.headers[.accessControlAllowCredentials] = "true"
            if request.method == .options { response.status = .noContent }
            return response
        },
        Breakage(scenario: "redis-outage", broken: "chat answers written one byte short", failingCheck: "errors: rate < 0.001") {
            request,
            context,
            next in
            let response = try await next(request, context)
            guard request.uri.path == "/api/chat", response.status == .ok else { return response }
            let collector = Collector()
            try await response.body.write(collector)
            let bytes = collector.bytes.withLock { $0 }
            return Response(status: response.status, headers: response.headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes.dropLast())))
        },
        Breakage(scenario: "memory-service-down", broken: "chat that ignores use_memory", failingCheck: "requests{route:chat_memory,memories:used}") {
            request,
            context,
            next in
            guard request.uri.path == "/api/chat" else { return try await next(request, context) }
            let body = try await request.body.collect(upTo: .max)
            let text = String(buffer: body).replacingOccurrences(of: #""use_memory":true"#, with: #""use_memory":false"#)
            return try await next(request.changed(body: ByteBuffer(string: text)), context)
        },
        Breakage(scenario: "websocket-drops", broken: "the WebSocket moved to /ws/chats", failingCheck: "errors: rate < 0.01") {
            request,
            context,
            next in
            guard request.uri.path == "/ws/chat" else { return try await next(request, context) }
            return try await next(request.changed(path: "/ws/chats?\(request.uri.query ?? "")"), context)
        },
    ]

    /// The last Authorization header the broken token check saw accepted.
    static let lastAccepted = Mutex<String?>(nil)

    @Test("breaking the API layer makes a library scenario fail on the check that guards it", arguments: breakages)
    func breaks(_ breakage: Breakage) async throws {
        let scenario = try ScenarioLoader.load(file: GateCanFailTests.library.appendingPathComponent(breakage.scenario + ".yaml").path)
        var runner = SimRunner()
        runner.interceptor = breakage.interceptor
        let report = try await RunnerTests.report(scenario, runner: runner)
        #expect(report.verdict == .fail, "\(report.checks)")
        let failing = report.checks.filter { $0.verdict == .fail }.map(\.check)
        #expect(failing.contains { $0.hasPrefix(breakage.failingCheck) }, "failing checks: \(failing)")
    }

    @Test("unbroken, the same scenarios pass")
    func unbroken() async throws {
        for name in Set(Self.breakages.map(\.scenario)).sorted() {
            let scenario = try ScenarioLoader.load(file: GateCanFailTests.library.appendingPathComponent(name + ".yaml").path)
            let report = try await RunnerTests.report(scenario)
            #expect(report.verdict == .pass, "\(name): \(report.reasons)")
        }
    }
}

/// A response body written out, as the connection would write it.
private final class Collector: ResponseBodyWriter, Sendable {
    let bytes = Mutex<[UInt8]>([])

    func write(_ buffer: ByteBuffer) async throws {
        bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension Request {
    /// The same request with another path, other headers or another body.
    fileprivate func changed(path: String? = nil, body: ByteBuffer? = nil, headers change: (inout HTTPFields) -> Void = { _ in }) -> Request {
        var head = self.head
        if let path { head.path = path }
        change(&head.headerFields)
        return Request(head: head, body: body.map { RequestBody(buffer: $0) } ?? self.body)
    }
}
