import RevoRuntime
import Synchronization

@testable import RevoCore
@testable import RevoSim

/// A conversation store that can be taken down.
final class FlakyConversationStore: ConversationStore {
    let name = "postgres"
    let inner = InMemoryConversationStore()
    let down = Mutex<String?>(nil)

    private func gate() throws(StoreError) {
        if let reason = down.withLock({ $0 }) { throw .unavailable(reason) }
    }

    func ping() async throws(StoreError) {
        try gate()
    }

    func append(_ message: StoredMessage) async throws(StoreError) {
        try gate()
        try inner.append(message)
    }

    func messages(conversationID: String, limit: Int) async throws(StoreError) -> [StoredMessage] {
        try gate()
        return try inner.messages(conversationID: conversationID, limit: limit)
    }
}

/// The whole system on one simulation, with switchable dependencies.
struct SystemFixture {
    let providers: ProviderFixture
    let conversations = FlakyConversationStore()
    let memoryPrimary: FlakyBackend
    let cache: CacheTests.SwitchableCache
    let system: RevoSystem

    var sim: SimulationExecutor { providers.sim }
    var clock: SystemClock { providers.clock }

    init(configuration: RevoSystem.Configuration = RevoSystem.Configuration(), machine: MachineResources = .roomy) {
        providers = ProviderFixture(machine: machine)
        memoryPrimary = FlakyBackend(name: "postgres", clock: providers.clock)
        cache = CacheTests.SwitchableCache(clock: providers.clock)
        system = RevoSystem(
            configuration: configuration,
            dependencies: RevoSystem.Dependencies(
                providers: providers.all,
                probe: providers.probe,
                conversations: conversations,
                memoryPrimary: memoryPrimary,
                cache: cache,
                clock: providers.clock,
                starter: providers.sim
            )
        )
    }

    /// Runs `body` with the system started, then shuts it down so the simulation goes idle.
    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        try runSimulation(sim) {
            await system.start()
            await system.modelsLoaded()
            do {
                let value = try await body()
                await system.shutdown()
                return value
            } catch {
                await system.shutdown()
                throw error
            }
        }
    }
}

extension ChatService {
    func result(_ request: ChatRequest) async -> Result<ChatReply, ChatError> {
        await Result(awaiting: { () async throws(ChatError) in try await chat(request) })
    }
}
