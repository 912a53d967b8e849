import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RevoServer

/// The application `revo serve` builds, called in process: each request is handed to its router as the server's channel
/// would hand it (head and body bytes, the client's address), and the response's body is written out as the server
/// would write it. No socket and no event loop: on a simulation's executor it runs in virtual time.
struct InProcessServer: Sendable {
    /// Stands between the clients and the application: tests break the application's behaviour with it.
    typealias Interceptor =
        @Sendable (Request, RevoRequestContext, _ next: @Sendable (Request, RevoRequestContext) async throws -> Response)
        async throws -> Response

    let responder: RouterResponder<RevoRequestContext>
    let logger: Logger
    let interceptor: Interceptor?

    init(router: Router<RevoRequestContext>, logger: Logger, interceptor: Interceptor? = nil) {
        self.responder = router.buildResponder()
        self.logger = logger
        self.interceptor = interceptor
    }

    /// One request and its whole answer.
    func send(_ call: HTTPCall, from address: SocketAddress?) async -> HTTPAnswer {
        await exchange(call, from: address, upgrade: nil)
    }

    /// A WebSocket handshake: the router's answer, and the session it accepted when it answered 200.
    func upgrade(_ call: HTTPCall, from address: SocketAddress?) async -> (answer: HTTPAnswer, session: InProcessUpgrade.Session?) {
        var call = call
        call.headers[.upgrade] = "websocket"
        call.headers[.connection] = "Upgrade"
        call.headers[.secWebSocketVersion] = "13"
        call.headers[.secWebSocketKey] = "dGhlIHNhbXBsZSBub25jZQ=="
        let upgrade = InProcessUpgrade()
        let answer = await exchange(call, from: address, upgrade: upgrade)
        let session = upgrade.take()
        return (answer, answer.status == 200 ? session : nil)
    }

    private func exchange(_ call: HTTPCall, from address: SocketAddress?, upgrade: InProcessUpgrade?) async -> HTTPAnswer {
        var headers = call.headers
        if let body = call.body { headers[.contentLength] = String(body.count) }
        let request = Request(
            head: HTTPRequest(method: call.method, scheme: "http", authority: "revo.sim", path: call.path, headerFields: headers),
            body: RequestBody(buffer: call.body.map { ByteBuffer(bytes: $0) } ?? ByteBuffer())
        )
        let context = RevoRequestContext(logger: logger, remoteAddress: address, upgrade: upgrade)
        let response: Response
        do {
            if let interceptor {
                let responder = self.responder
                response = try await interceptor(request, context) { try await responder.respond(to: $0, context: $1) }
            } else {
                response = try await responder.respond(to: request, context: context)
            }
        } catch let error as any HTTPResponseError {
            // What Hummingbird's server answers for an error that escaped every middleware.
            response = (try? error.response(from: request, context: context)) ?? Response(status: .internalServerError)
        } catch {
            response = Response(status: .internalServerError)
        }
        let collector = BodyCollector()
        do {
            try await response.body.write(collector)
        } catch {
            logger.error("writing a response body failed", metadata: ["error": "\(error)"])
        }
        return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: collector.bytes)
    }
}

/// Takes a response body as the connection would write it.
private final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    // Written by the one task that writes the body, read after it.
    private(set) var bytes: [UInt8] = []

    func write(_ buffer: ByteBuffer) async throws {
        bytes.append(contentsOf: buffer.readableBytesView)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
