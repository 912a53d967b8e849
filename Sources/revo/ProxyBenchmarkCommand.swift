import ArgumentParser
import RevoBenchmarks
import RevoCore
import RevoFaultProxy

/// `revo benchmark proxy`: the fault proxy with no toxics against a direct loopback connection.
struct ProxyBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Throughput and added round-trip latency of the fault proxy with no toxics, against a direct connection.",
        discussion: "Build with -c release for meaningful figures: swift run -c release revo benchmark proxy"
    )

    @Option(help: "Megabytes streamed through one connection for the throughput figure.")
    var megabytes = 2048

    @Option(help: "One-byte round trips timed for the latency figures.")
    var pings = 20_000

    func validate() throws {
        guard megabytes >= 1, pings >= 100 else { throw ValidationError("need --megabytes >= 1 and --pings >= 100") }
    }

    func run() async throws {
        let result = try await ProxyBenchmark(bytes: megabytes << 20, pings: pings).run()
        func line(_ label: String, _ figures: ProxyBenchmark.Figures) -> String {
            let rate = Int((figures.bytesPerSecond / 1_000_000).rounded())
            return "\(label): \(rate) MB/s   round trip p50 \(micros(figures.roundTripP50))  p99 \(micros(figures.roundTripP99))"
        }
        print(line("direct ", result.direct))
        print(line("proxied", result.proxied))
        print("added p50 round trip: \(micros(result.addedP50))")
    }

    private func micros(_ duration: Duration) -> String {
        "\(Int((Double(duration.nanoseconds) / 1_000).rounded()))µs"
    }
}
