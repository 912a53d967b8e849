import ArgumentParser
import Foundation
import Hummingbird
import Logging
import RevoCore
import RevoFakeLLM
import RevoRuntime

/// `revo fake-llm`: a deterministic OpenAI- and Anthropic-compatible upstream with the simulation's physics.
struct FakeLLMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-llm",
        abstract: "Serve a deterministic OpenAI- and Anthropic-compatible model API with the sim fakes' physics and faults.",
        discussion: """
            Endpoints: POST /v1/chat/completions (OpenAI, stream or not), POST /v1/messages (Anthropic), GET /v1/models, \
            GET /health. Point a client library's base URL at http://HOST:PORT/v1 (OpenAI) or http://HOST:PORT (Anthropic). \
            Admin API: GET|PUT|PATCH /admin/config, POST|DELETE /admin/faults ({"kind": one of \
            \(FakeLLMFault.kinds.joined(separator: ", ")), retry_after_s, status, rate, latency_ms, after_tokens, for_ms, \
            first_n, probability}), GET /admin/stats.
            """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one (printed at start).")
    var port = 9_000

    @Option(help: "Seed of the text, the latency spread and the faults' draws.")
    var seed: UInt64 = 0

    @Option(help: "Time to first token in milliseconds.")
    var ttftMs: Double = 50

    @Option(help: "Time between tokens in milliseconds.")
    var interTokenMs: Double = 5

    @Option(help: "Relative spread of both latencies (0...1).")
    var spread: Double = 0.2

    @Option(help: "Completion tokens per answer (mean), when max_tokens allows.")
    var outputTokens = 40

    @Option(help: "Requests at full speed at once; each one beyond slows all by 10%.")
    var slots = 64

    @Option(help: "Model name reported back.")
    var model = "revo-fake"

    @Option(help: "Require this API key (also FAKE_LLM_API_KEY); none by default.")
    var apiKey: String?

    func settings() throws -> FakeLLMSettings {
        var settings = FakeLLMSettings()
        settings.model = model
        settings.timeToFirstTokenMs = ttftMs
        settings.interTokenMs = interTokenMs
        settings.spread = spread
        settings.outputTokens = outputTokens
        settings.concurrencySlots = slots
        settings.apiKey = apiKey ?? ProcessEnvironment.value("FAKE_LLM_API_KEY")
        do {
            return try settings.validated()
        } catch {
            // The flags' names, not the admin API's fields.
            throw ValidationError("\(error)".replacingOccurrences(of: "field 'time_to_first_token_ms'", with: "--ttft-ms"))
        }
    }

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        _ = try settings()
    }

    func run() async throws {
        let logger = Logger(label: "revo.fake-llm")
        let upstream = FakeUpstream(settings: try settings(), seed: seed, clock: SystemClock(ContinuousClock()))
        try await ToolServer.run(
            FakeLLMRoutes.router(upstream),
            host: host,
            port: port,
            serverName: "revo-fake-llm",
            announcing: "revo fake-llm serving on",
            logger: logger
        )
    }
}
