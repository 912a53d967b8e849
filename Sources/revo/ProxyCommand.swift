import ArgumentParser
import Foundation
import Hummingbird
import Logging
import RevoFaultProxy

/// `revo proxy`: the TCP fault proxy, driven through Toxiproxy's REST API.
struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Run the TCP fault proxy with a Toxiproxy-compatible control API.",
        discussion: """
            Toxics: \(ToxicKind.typeNames.joined(separator: ", ")). The control API is Toxiproxy's (/proxies, \
            /proxies/{name}, /proxies/{name}/toxics, /populate, /reset, /version), so its clients work unchanged. \
            A toxic may carry "duration_ms" to remove itself. Example: \
            revo proxy --proxy redis=127.0.0.1:26379=127.0.0.1:6379, then \
            curl -XPOST localhost:8474/proxies/redis/toxics -d '{"type":"redis_error","attributes":{"commands":"SET","error":"oom"}}'
            """
    )

    @Option(help: "Address of the control API.")
    var host = "127.0.0.1"

    @Option(help: "Port of the control API (Toxiproxy's is 8474); 0 picks a free one.")
    var port = 8474

    @Option(name: .customLong("proxy"), help: "A proxy to create at start: NAME=LISTEN_HOST:PORT=UPSTREAM_HOST:PORT (repeatable).")
    var proxies: [String] = []

    @Option(help: "A JSON file of proxies to create at start, as Toxiproxy's -config takes.")
    var config: String?

    @Option(help: "Seed of the toxics' random draws (toxicity, jitter, slice sizes).")
    var seed: UInt64 = 0

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        for text in proxies { _ = try Self.definition(text) }
    }

    static func definition(_ text: String) throws -> ProxyDefinition {
        let parts = text.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[0].isEmpty else {
            throw ValidationError("--proxy must be NAME=LISTEN_HOST:PORT=UPSTREAM_HOST:PORT, got '\(text)'")
        }
        return ProxyDefinition(name: parts[0], listen: parts[1], upstream: parts[2])
    }

    func run() async throws {
        let logger = Logger(label: "revo.proxy")
        let proxy = FaultProxy(seed: seed)
        var definitions = try proxies.map(Self.definition)
        if let config {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: config)) } catch {
                throw ValidationError("--config: cannot read \(config): \(error.localizedDescription)")
            }
            do { definitions += try JSONDecoder().decode([ProxyDefinition].self, from: data) } catch {
                throw ValidationError("--config: \(config) is not a JSON array of proxies (name, listen, upstream): \(error)")
            }
        }
        do {
            for definition in try await proxy.populate(definitions) {
                logger.info("proxy \(definition.name): \(definition.listen) -> \(definition.upstream)")
            }
        } catch {
            throw ValidationError("cannot create the proxies: \(error)")
        }
        try await ToolServer.run(
            ControlAPI.router(proxy),
            host: host,
            port: port,
            serverName: "revo-proxy",
            announcing: "revo proxy control API on",
            logger: logger
        )
        await proxy.shutdown()
    }
}
