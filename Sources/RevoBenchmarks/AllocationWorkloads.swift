public import RevoCore
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
        let body = #"{"content":"What does a circuit breaker do?","max_tokens":16,"conversation_id":"c-1","use_memory":false}"#
        return ChatWireWorkload(body: Array(body.utf8), reply: reply)
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
