import Foundation
public import RevoDrivers

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
        let route = try await ChatRoute.start(database: database, conversations: conversations)
        try await route.send(requests, concurrency: concurrency, offset: 0)
        let cpuBefore = Self.cpuTime()
        let start = ContinuousClock.now
        try await route.send(requests, concurrency: concurrency, offset: requests)
        let wall = ContinuousClock.now - start
        let cpu = Self.cpuTime() - cpuBefore
        await route.stop()
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
