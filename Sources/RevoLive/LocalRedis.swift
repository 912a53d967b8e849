import Foundation
import RevoScenarios

/// A throwaway Redis server on a free loopback port, without persistence.
final class LocalRedis: Sendable {
    let url: String
    let port: Int
    private let folder: URL

    static func start(in folder: URL) throws(LiveError) -> LocalRedis {
        guard Shell.has("redis-server") else {
            throw LiveError("redis-server is not installed; ci/setup installs it, or pass --redis URL")
        }
        var lastError = LiveError("no free port")
        for _ in 0..<5 {
            let port = FreePort.next()
            do {
                try Shell.run(
                    [
                        "redis-server", "--port", "\(port)", "--bind", "127.0.0.1", "--daemonize", "yes", "--save", "", "--appendonly", "no",
                        "--dir", folder.path, "--pidfile", folder.appendingPathComponent("redis.pid").path,
                        "--logfile", folder.appendingPathComponent("redis.log").path,
                    ],
                    log: folder.appendingPathComponent("redis-start.log")
                )
                let server = LocalRedis(url: "redis://127.0.0.1:\(port)/0", port: port, folder: folder)
                for _ in 0..<100 {
                    if (try? Shell.run(["redis-cli", "-p", "\(port)", "ping"], log: folder.appendingPathComponent("redis-ping.log"))) != nil {
                        return server
                    }
                    usleep(20_000)
                }
                lastError = LiveError("redis-server on port \(port) did not answer (log: \(folder.path)/redis.log)")
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private init(url: String, port: Int, folder: URL) {
        self.url = url
        self.port = port
        self.folder = folder
    }

    func stop() {
        try? Shell.run(["redis-cli", "-p", "\(port)", "shutdown", "nosave"], log: folder.appendingPathComponent("redis-stop.log"))
    }
}
