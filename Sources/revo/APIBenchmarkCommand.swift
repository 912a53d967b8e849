import ArgumentParser
import Foundation
import RevoBenchmarks
import RevoDrivers

/// `revo benchmark api`: CPU per chat request through the router in process (see ``APIBenchmark``).
struct APIBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "CPU per POST /api/chat through the full router in process (no sockets), with a zero-latency provider.",
        discussion: "Build with -c release for meaningful figures: swift run -c release revo benchmark api"
    )

    @Option(help: "Requests timed (after as many again to warm up).")
    var requests = 100_000

    @Option(help: "Concurrent callers.")
    var concurrency = 16

    @Option(help: "memory, or sqlite:PATH for conversations persisted in SQLite (a fresh file is best).")
    var database = "memory"

    @Option(help: "Conversations the requests are spread over; 0 sends stateless requests (no history read or written).")
    var conversations = 0

    func validate() throws {
        guard requests >= concurrency, (1...1024).contains(concurrency), conversations >= 0 else {
            throw ValidationError("need 1 <= --concurrency <= 1024, --requests >= --concurrency and --conversations >= 0")
        }
    }

    func run() async throws {
        let location: DatabaseLocation
        do {
            location = try DatabaseLocation(parsing: database)
        } catch {
            throw ValidationError(error.description)
        }
        let benchmark = APIBenchmark(requests: requests, concurrency: concurrency, database: location, conversations: conversations)
        let result = try await benchmark.run()
        print(
            "POST /api/chat in process (\(location), \(conversations == 0 ? "stateless" : "\(conversations) conversations")): "
                + "\(requests) requests from \(concurrency) callers, \(Int(result.requestsPerSecond)) req/s, "
                + "CPU \(String(format: "%.1f", result.cpuMicrosecondsPerRequest)) µs per request"
        )
    }
}
