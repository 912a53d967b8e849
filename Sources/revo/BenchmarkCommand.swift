import ArgumentParser
import RevoBenchmarks
import RevoCore
import RevoRuntime
import RevoSim

/// `revo benchmark`: performance figures, measured on this machine (never asserted in tests).
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract:
            "Measure on this machine: the simulation's speed, RevoCore with zero-latency fakes, the API in process, the fault proxy, the bare-server baseline.",
        subcommands: [
            SimBenchmarkCommand.self, CoreBenchmarkCommand.self, APIBenchmarkCommand.self, BareServerCommand.self, ProxyBenchmarkCommand.self,
        ]
    )
}

struct CoreBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract: "Fallback cost in the model manager (before and after the primary's circuit opens) and chat requests/s.",
        discussion: "Build with -c release for meaningful figures: swift run -c release revo benchmark core"
    )

    @Option(help: "Requests timed for each fallback figure.")
    var fallbackRequests = 20_000

    @Option(help: "Chat requests in the throughput run.")
    var chatRequests = 20_000

    @Option(help: "Concurrent callers in the throughput run.")
    var concurrency = 8

    func validate() throws {
        guard fallbackRequests >= 100, chatRequests >= concurrency, (1...1024).contains(concurrency) else {
            throw ValidationError("need --fallback-requests >= 100, 1 <= --concurrency <= 1024 and --chat-requests >= --concurrency")
        }
    }

    func run() async throws {
        let benchmark = CoreBenchmark(fallbackRequests: fallbackRequests, chatRequests: chatRequests, concurrency: concurrency)
        let result = try await benchmark.run(clock: ContinuousClock(), starter: ConcurrentTaskStarter())
        func line(_ label: String, _ latencies: CoreBenchmark.Latencies) -> String {
            "\(label): \(latencies.count) requests  p50 \(micros(latencies.p50))  p99 \(micros(latencies.p99))  max \(micros(latencies.max))"
        }
        print(line("fallback, primary refusing, circuit closed (pays the refused call)", result.fallbackBeforeOpen))
        print(line("fallback, primary refusing, circuit open (skipped)             ", result.fallbackAfterOpen))
        print(
            "chat service: \(result.chatRequests) requests from \(concurrency) callers in \(result.chatWall.formattedSeconds) = "
                + "\(Int(result.chatPerSecond)) req/s; \(line("latency", result.chatLatencies))"
        )
    }

    private func micros(_ duration: Duration) -> String {
        let value = Double(duration.nanoseconds) / 1_000
        return value < 10 ? "\(Int((value * 10).rounded()) / 10).\(Int((value * 10).rounded()) % 10)µs" : "\(Int(value.rounded()))µs"
    }
}
