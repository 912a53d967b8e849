import RevoCore
import RevoRuntime
import RevoServer
import RevoSim

/// The chat route's JSON steps on their own: a chat body read into a request, a reply written as the answer.
public struct ChatWireWorkload: Sendable {
    private let body: [UInt8]
    private let reply: ChatReply

    /// A body as clients send it and a reply the route's own chat gave.
    public static func make() async throws -> ChatWireWorkload {
        let route = try await ChatRoute.start(database: .memory, conversations: 0, replyCache: false)
        let reply = try await route.reply(to: "What does a circuit breaker do?")
        await route.stop()
        return ChatWireWorkload(reply: pinned(reply))
    }

    /// The reply with its measured times replaced by fixed ones of the same shape (full-precision fractions), so
    /// the count does not depend on how fast this machine answered.
    private static func pinned(_ reply: ChatReply) -> ChatReply {
        var reply = reply
        let measured = Duration(secondsComponent: 0, attosecondsComponent: 123_456_789_012_345)
        reply.generationTime = measured
        reply.timeToFirstToken = nil
        reply.requestID = "req-0123456789abcdef"
        reply.trace = DecisionTrace(
            steps: reply.trace.steps.map { step in
                var step = step
                step.startedAt = .zero
                step.duration = measured
                return step
            }
        )
        return reply
    }

    private init(reply: ChatReply) {
        let body = #"{"content":"What does a circuit breaker do?","max_tokens":16,"conversation_id":"c-1","use_memory":false}"#
        self.body = Array(body.utf8)
        self.reply = reply
    }

    /// Reads the body; returns the content's length so the work cannot be left out.
    public func read() throws -> Int {
        try body.withUnsafeBytes { bytes in try ChatWire.read(bytes).content.utf8.count }
    }

    /// Writes the answer; returns its length.
    public func write() -> Int {
        ChatWire.write(reply).count
    }
}

/// One routing decision: the model manager choosing a provider for a request and calling it, with a zero-latency
/// provider first in the chain.
public struct RoutingWorkload: Sendable {
    private let manager: ModelManager
    private let request = GenerationRequest(prompt: "benchmark", maxTokens: 16)

    public static func make() async -> RoutingWorkload {
        let manager = ModelManager(
            providers: [InstantProvider(.openai(hasKey: true)), InstantProvider(.anthropic(hasKey: true))],
            policy: RoutingPolicy(mockEnabled: false),
            probe: FixedResourceProbe(MachineResources(totalRAM: .gigabytes(16), availableRAM: .gigabytes(8), cpuCores: 2)),
            clock: SystemClock(ContinuousClock()),
            random: RandomSource(seed: 1)
        )
        await manager.start()
        return RoutingWorkload(manager: manager)
    }

    /// Returns the answer's length.
    public func decide() async throws -> Int {
        try await manager.generate(request).text.utf8.count
    }
}
