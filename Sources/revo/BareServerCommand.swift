import ArgumentParser
import Hummingbird
import Logging

/// `revo benchmark bare-server`: the yardstick of the HTTP benchmark — a Hummingbird router with no middleware that
/// answers `/health` and `/api/chat` with fixed JSON of the same size as revo's, so `ci/bench-http` can put revo's
/// figures next to what the framework alone does on the same machine in the same run.
struct BareServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bare-server",
        abstract: "Serve fixed JSON on /health and /api/chat with a bare Hummingbird router (the benchmark's baseline)."
    )

    @Option(help: "Port to listen on.")
    var port = 18_080

    static let health =
        #"{"available_providers":["mock"],"services":{"backend":{"status":"healthy"},"cache":{"status":"healthy"},"database":{"status":"healthy"},"models":{"status":"healthy"}},"status":"healthy"}"#
    static let chat =
        #"{"content":"t1 t2 t3 t4 t5 t6 t7 t8 t9 t10 t11 t12 t13 t14 t15 t16 ","cost_usd":0,"from_cache":false,"generation_time":0.0001,"memories_used":0,"provider":"mock","request_id":"req-0000000000000000","stale":false,"tokens_used":20,"trace":[{"duration_ms":0.05,"outcome":"answered","provider":"mock","retry":0}]}"#

    func run() async throws {
        let router = Router()
        router.get("/health") { _, _ in Self.response(Self.health) }
        router.post("/api/chat") { request, _ in
            _ = try await request.body.collect(upTo: 64 * 1024)
            return Self.response(Self.chat)
        }
        var logger = Logger(label: "bare")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await app.runService()
    }

    static func response(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
