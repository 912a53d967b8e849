import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The HTTP servers of `revo proxy` and `revo fake-llm`: a router on host:port until SIGTERM or SIGINT, announcing
/// the bound port on standard output (unbuffered, so a script reading the pipe sees it at once; `--port 0` picks one).
enum ToolServer {
    static func run(
        _ router: Router<BasicRequestContext>,
        host: String,
        port: Int,
        serverName: String,
        announcing banner: String,
        logger: Logger
    ) async throws {
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: serverName),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                FileHandle.standardOutput.write(Data("\(banner) http://\(host):\(port)\n".utf8))
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }
}
