import Foundation
public import Hummingbird
import Logging
import NIOEmbedded
public import RevoCore
public import RevoDrivers
import RevoRuntime
public import RevoServer
import RevoSim

/// What the API layer costs per chat request without sockets — every middleware, the token check, the body's
/// decoding, the chat itself and the answer's encoding, through the router `revo serve` builds — so a change to that
/// path can be weighed in CPU microseconds, steadier than requests/s under wrk on a shared machine.
public struct APIBenchmark: Sendable {
    public struct Result: Sendable {
        public var requests: Int
        public var wall: Duration
        /// User and system CPU time of the whole process while the timed requests ran.
        public var cpu: Duration

        public var requestsPerSecond: Double { Double(requests) / max(wall.seconds, 1e-9) }
        public var cpuMicrosecondsPerRequest: Double { Double(cpu.nanoseconds) / 1_000 / Double(max(requests, 1)) }
    }

    /// The answer to a request was not 200.
    public struct Refused: Error, CustomStringConvertible {
        public var status: HTTPResponse.Status
        public var description: String { "POST /api/chat answered \(status)" }
    }

    public var requests: Int
    public var concurrency: Int
    public var database: DatabaseLocation
    /// Conversations the requests are spread over; 0 sends stateless requests (no history read or written).
    public var conversations: Int

    public init(requests: Int, concurrency: Int, database: DatabaseLocation, conversations: Int) {
        self.requests = requests
        self.concurrency = concurrency
        self.database = database
        self.conversations = conversations
    }

    /// As many requests again as are timed are sent first, to warm up.
    public func run() async throws -> Result {
        let clock = SystemClock(ContinuousClock(), startingAt: .seconds(Int64(Date().timeIntervalSince1970)), deadlines: TimerThread.shared)
        let stores = StoreSet.open(database)
        var logger = Logger(label: "revo-benchmark")
        logger.logLevel = .error
        let system = RevoSystem(
            configuration: RevoSystem.Configuration(seed: UInt64.random(in: 0...UInt64.max)),
            dependencies: RevoSystem.Dependencies(
                providers: [InstantProvider(.mock(), tokens: 16)],
                probe: FixedResourceProbe(MachineResources(totalRAM: .gigabytes(64), availableRAM: .gigabytes(48), cpuCores: 8)),
                conversations: stores.conversations,
                memoryPrimary: stores.memory,
                outbox: stores.outbox,
                cache: InMemoryCache(clock: clock),
                clock: clock,
                starter: ConcurrentTaskStarter(),
                logger: logger
            )
        )
        await system.start()
        await system.modelsLoaded()
        let tokens = await TokenService(secret: JWTSecret.generate())
        let router = RevoApplication.router(
            system: system,
            authentication: Authentication(tokens: tokens, users: stores.users),
            configuration: ServerConfiguration(requestsPerMinute: 1_000_000),
            clock: clock
        )
        let bench = Bench(
            responder: router.buildResponder(),
            token: try await tokens.issue(userID: "bench", username: "bench").accessToken,
            conversations: conversations,
            logger: logger
        )
        try await bench.run(requests: requests, concurrency: concurrency, offset: 0)
        let cpuBefore = Self.cpuTime()
        let start = ContinuousClock.now
        try await bench.run(requests: requests, concurrency: concurrency, offset: requests)
        let wall = ContinuousClock.now - start
        let cpu = Self.cpuTime() - cpuBefore
        await system.shutdown()
        return Result(requests: requests, wall: wall, cpu: cpu)
    }

    /// User and system CPU time of the whole process.
    private static func cpuTime() -> Duration {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func duration(_ time: timeval) -> Duration { .seconds(time.tv_sec) + .microseconds(time.tv_usec) }
        return duration(usage.ru_utime) + duration(usage.ru_stime)
    }
}

/// Requests through the router, each body written out as the server would, its status checked.
private struct Bench: Sendable {
    let responder: RouterResponder<RevoRequestContext>
    let token: String
    let conversations: Int
    let logger: Logger
    /// One for all requests: the context reads only its (absent) remote address.
    let channel = NIOAsyncTestingChannel()

    func run(requests: Int, concurrency: Int, offset: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<concurrency {
                group.addTask {
                    var index = caller
                    while index < requests {
                        try await one(offset + index)
                        index += concurrency
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private func one(_ index: Int) async throws {
        let body =
            conversations == 0
            ? #"{"content":"bench \#(index)","max_tokens":16}"#
            : #"{"content":"bench \#(index)","max_tokens":16,"conversation_id":"bench-\#(index % conversations)"}"#
        let request = Request(
            head: HTTPRequest(
                method: .post,
                scheme: "http",
                authority: "127.0.0.1",
                path: "/api/chat",
                headerFields: [.contentType: "application/json", .authorization: "Bearer \(token)"]
            ),
            body: RequestBody(buffer: ByteBuffer(string: body))
        )
        let context = RevoRequestContext(source: .init(channel: channel, logger: logger))
        let response = try await responder.respond(to: request, context: context)
        guard response.status == .ok else { throw APIBenchmark.Refused(status: response.status) }
        try await response.body.write(DiscardingWriter())
    }
}

/// Takes a response body as the connection would, and drops it.
private struct DiscardingWriter: ResponseBodyWriter {
    mutating func write(_ buffer: ByteBuffer) async throws {}
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
