import Foundation
public import Hummingbird
import Logging
import NIOEmbedded
public import RevoCore
public import RevoDrivers
import RevoRuntime
import RevoServer
import RevoSim

/// `POST /api/chat` through the router `revo serve` builds — every middleware, the token check, the body's decoding,
/// the chat with a zero-latency provider and the answer's encoding — in process, without sockets: what the API
/// benchmark times and the allocation benchmarks count.
public final class ChatRoute: Sendable {
    /// The answer to a request was not 200.
    public struct Refused: Error, CustomStringConvertible {
        public var status: HTTPResponse.Status
        public var description: String { "POST /api/chat answered \(status)" }
    }

    private let system: RevoSystem
    private let responder: RouterResponder<RevoRequestContext>
    private let token: String
    /// Conversations the requests are spread over; 0 sends stateless requests (no history read or written).
    private let conversations: Int
    private let logger: Logger
    /// One for all requests: the context reads only its (absent) remote address.
    private let channel = NIOAsyncTestingChannel()

    private init(system: RevoSystem, responder: RouterResponder<RevoRequestContext>, token: String, conversations: Int, logger: Logger) {
        self.system = system
        self.responder = responder
        self.token = token
        self.conversations = conversations
        self.logger = logger
    }

    /// A started system behind the router, with an account's access token; `replyCache: false` makes every
    /// stateless request reach the provider.
    public static func start(database: DatabaseLocation, conversations: Int, replyCache: Bool = true) async throws -> ChatRoute {
        let clock = SystemClock(ContinuousClock(), startingAt: .seconds(Int64(Date().timeIntervalSince1970)), deadlines: TimerThread.shared)
        let stores = StoreSet.open(database)
        var logger = Logger(label: "revo-benchmark")
        logger.logLevel = .error
        var configuration = RevoSystem.Configuration(seed: UInt64.random(in: 0...UInt64.max))
        if !replyCache { configuration.chat.replyCacheTTL = nil }
        let system = RevoSystem(
            configuration: configuration,
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
        let token = try await tokens.issue(userID: "bench", username: "bench").accessToken
        return ChatRoute(system: system, responder: router.buildResponder(), token: token, conversations: conversations, logger: logger)
    }

    /// One chat through the system below the router, as the route would ask it.
    public func reply(to content: String) async throws -> ChatReply {
        try await system.chat.chat(ChatRequest(content: content, maxTokens: 16))
    }

    public func stop() async {
        await system.shutdown()
    }

    /// Requests `offset..<offset + requests`, `concurrency` at a time.
    public func send(_ requests: Int, concurrency: Int, offset: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<concurrency {
                group.addTask {
                    var index = caller
                    while index < requests {
                        try await self.send(offset + index)
                        index += concurrency
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// One request, its body written out as the server would, its status checked. The content differs by `index`;
    /// with conversations, so does the conversation.
    public func send(_ index: Int) async throws {
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
        guard response.status == .ok else { throw Refused(status: response.status) }
        try await response.body.write(DiscardingWriter())
    }
}

/// Takes a response body as the connection would, and drops it.
private struct DiscardingWriter: ResponseBodyWriter {
    mutating func write(_ buffer: ByteBuffer) async throws {}
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
