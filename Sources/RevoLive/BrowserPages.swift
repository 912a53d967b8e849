import Hummingbird
import Logging
import NIOCore
import RevoScenarios

/// The web client served from two more origins, as the seed's frontend was served from its own dev server: one the
/// API allows (`http://localhost:<port>`) and one it does not (`http://127.0.0.1:<port>`). Stopped by ``stop()``.
final class BrowserPages: Sendable {
    let allowed: String
    let other: String
    private let servers: [Task<Void, any Error>]

    private init(allowed: String, other: String, servers: [Task<Void, any Error>]) {
        self.allowed = allowed
        self.other = other
        self.servers = servers
    }

    static func start(webRoot: String) async throws(LiveError) -> BrowserPages {
        var servers: [Task<Void, any Error>] = []
        var ports: [Int] = []
        for _ in 0..<2 {
            let (port, server) = await serve(webRoot)
            servers.append(server)
            guard let port else {
                for server in servers { server.cancel() }
                throw LiveError("cannot serve the web client from \(webRoot) on a free port")
            }
            ports.append(port)
        }
        return BrowserPages(allowed: "http://127.0.0.1:\(ports[0])", other: "http://127.0.0.1:\(ports[1])", servers: servers)
    }

    func stop() async {
        for server in servers {
            server.cancel()
            _ = await server.result
        }
    }

    /// A static file server on a free loopback port, and that port once it listens (nil if it failed to start).
    private static func serve(_ webRoot: String) async -> (Int?, Task<Void, any Error>) {
        let (bound, continuation) = AsyncStream.makeStream(of: Int?.self)
        // Critical only: a cancelled server logs its closing channels as errors.
        var logger = Logger(label: "revo.live.pages")
        logger.logLevel = .critical
        let router = Router()
        router.add(middleware: FileMiddleware(webRoot, searchForIndexHtml: true, logger: logger))
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "revo-pages"),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port) },
            logger: logger
        )
        let server = Task {
            defer { continuation.yield(nil) }
            try await app.runService(gracefulShutdownSignals: [])
        }
        var ports = bound.makeAsyncIterator()
        return (await ports.next() ?? nil, server)
    }
}
