import AsyncHTTPClient
import HTTPTypes
import NIOCore
import NIOHTTP1
import RevoScenarios
import Synchronization

/// The live transport: requests over loopback to a running `revo serve`, and each WebSocket read and written through
/// ``LiveWebSocket`` into the same frame queues the simulation's sockets use, so one client serves both modes. A
/// request not answered within `timeout`, or a socket silent that long, is given up.
struct LoopbackTransport: ClientTransport {
    let http: HTTPClient
    let baseURL: String
    let timeout: Duration

    func send(_ call: HTTPCall, from address: SocketAddress?) async -> HTTPAnswer {
        var request = HTTPClientRequest(url: baseURL + call.path)
        request.method = HTTPMethod(rawValue: call.method.rawValue)
        for field in call.headers { request.headers.add(name: field.name.canonicalName, value: field.value) }
        if let body = call.body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            let body = try await response.body.collect(upTo: 4 << 20)
            return HTTPAnswer(
                status: Int(response.status.code),
                headers: Self.fields(response.headers.map { ($0.name, $0.value) }),
                body: Array(body.readableBytesView)
            )
        } catch {
            return HTTPAnswer(status: 0, headers: [:], body: Array("\(call.method) \(call.path): no answer (\(error))".utf8))
        }
    }

    func upgrade(_ call: HTTPCall, from address: SocketAddress?, name: String) async -> SocketUpgrade {
        let url = baseURL.replacingOccurrences(of: "http://", with: "ws://") + call.path
        let headers = call.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        let socket = InProcessSocket()
        let watch = SocketWatch(limit: timeout)
        let (settled, settle) = AsyncStream.makeStream(of: SocketUpgrade.self)
        let connection = Task {
            do {
                try await LiveWebSocket.connect(url: url, headers: headers) { live in
                    settle.yield(.accepted(socket))
                    try await Self.pump(live, into: socket, watch: watch)
                }
            } catch let refused as LiveWebSocket.Refused {
                settle.yield(.refused(HTTPAnswer(status: refused.status, headers: Self.fields(refused.headers), body: Array(refused.body.utf8))))
            } catch {
                settle.yield(.refused(HTTPAnswer(status: 0, headers: [:], body: Array("GET \(call.path): no WebSocket (\(error))".utf8))))
            }
            settle.finish()
            socket.toClient.end()
            watch.stop()
        }
        watch.start { connection.cancel() }
        for await upgrade in settled { return upgrade }
        return .refused(HTTPAnswer(status: 0, headers: [:], body: Array("GET \(call.path): no answer".utf8)))
    }

    /// Moves frames both ways until the socket ends: the server's messages to the client's queue, the client's to the
    /// connection. A client that drops the connection (its queue ends with no close) ends it without a close frame.
    private static func pump(_ live: LiveWebSocket, into socket: InProcessSocket, watch: SocketWatch) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while true {
                    watch.touch()
                    switch try await live.next() {
                    case .text(let text): socket.toClient.push(.text(text))
                    case .binary: continue
                    case .closed(let code, let reason):
                        if let code { socket.toClient.push(.close(code: Int(code), reason: reason)) }
                        socket.toClient.end()
                        return
                    }
                }
            }
            group.addTask {
                let sender = live.sender
                while let frame = await socket.toServer.next() {
                    switch frame {
                    case .text(let text): try await sender.send(text: text)
                    case .close(let code, let reason): try await sender.sendClose(code: UInt16(clamping: code), reason: reason)
                    }
                }
                guard sender.closeSent else { throw Dropped() }
                // Closed by the client: the reader waits for the server's close.
                try await Task.sleep(for: .seconds(86_400))
            }
            // The first to end (the server's close, or the client's drop) ends the other.
            try await group.next()
            group.cancelAll()
        }
    }

    static func fields(_ pairs: [(name: String, value: String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return fields
    }

    /// The client let the connection go without a close frame.
    private struct Dropped: Error {}
}

/// Gives a socket up once nothing has come from the server for `limit`: a peer that never answers cannot hang a run.
private final class SocketWatch: Sendable {
    let limit: Duration
    private let state = Mutex((last: ContinuousClock.now, watchdog: Task<Void, Never>?.none, stopped: false))

    init(limit: Duration) {
        self.limit = limit
    }

    func touch() {
        state.withLock { $0.last = .now }
    }

    /// Calls `expire` once the socket has been silent for the limit, unless it stopped first.
    func start(_ expire: @escaping @Sendable () -> Void) {
        let watchdog = Task {
            while !Task.isCancelled {
                let silent = state.withLock { $0.last.duration(to: .now) }
                if silent >= limit {
                    expire()
                    return
                }
                try? await Task.sleep(for: limit - silent)
            }
        }
        let stopped = state.withLock { s in
            s.watchdog = watchdog
            return s.stopped
        }
        if stopped { watchdog.cancel() }
    }

    func stop() {
        let watchdog = state.withLock { s in
            s.stopped = true
            return s.watchdog
        }
        watchdog?.cancel()
    }
}
