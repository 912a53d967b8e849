import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import RevoCore
import RevoDrivers
import RevoRuntime
import RevoServer
import RevoSim
import ServiceLifecycle
import Testing

@Suite("Server life cycle")
struct ServerLifecycleTests {
    @Test("an unwritable database file: ready reports why, chat still answers, accounts answer 503")
    func degradedStart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("revo-degraded-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The database's directory is a regular file: nobody, root included, can create the database there.
        let blocker = directory.appendingPathComponent("data")
        _ = FileManager.default.createFile(atPath: blocker.path, contents: Data())
        let stores = StoreSet.open(.sqlite(path: blocker.appendingPathComponent("revo.db").path))

        let clock = SystemClock(ContinuousClock())
        let system = RevoSystem(
            configuration: RevoSystem.Configuration(seed: 1),
            dependencies: RevoSystem.Dependencies(
                providers: [InstantProvider(.openai(hasKey: true)), InstantProvider(.mock())],
                probe: FixedResourceProbe(MachineResources(totalRAM: .gigabytes(16), availableRAM: .gigabytes(8), cpuCores: 4)),
                conversations: stores.conversations,
                memoryPrimary: stores.memory,
                outbox: stores.outbox,
                cache: InMemoryCache(clock: clock),
                clock: clock,
                starter: ConcurrentTaskStarter()
            )
        )
        await system.start()
        await system.modelsLoaded()
        let app = Application(
            router: RevoApplication.router(
                system: system,
                authentication: await TestAuth.authentication(users: stores.users),
                configuration: ServerConfiguration(requestsPerMinute: 10_000),
                clock: clock
            )
        )
        let auth = await TestAuth.headers()
        try await app.test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let message = ServerTests.error(response.body)["message"] as? String ?? ""
                #expect(message.contains("database"))
                #expect(message.contains("cannot open SQLite database at \(blocker.path)/revo.db"))
            }
            try await client.execute(
                uri: "/api/chat",
                method: .post,
                headers: auth,
                body: ByteBuffer(string: #"{"content":"still there?","conversation_id":"c1"}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(ServerTests.json(response.body)["provider"] as? String == "openai")
            }
            try await client.execute(
                uri: "/auth/register",
                method: .post,
                body: ByteBuffer(string: #"{"username":"ada","password":"correct horse"}"#)
            ) {
                #expect($0.status == .serviceUnavailable)
                #expect(ServerTests.error($0.body)["code"] as? String == "database_unavailable")
            }
        }
        await system.shutdown()
    }

    @Test("graceful shutdown lets an in-flight request finish, then stops the system")
    func gracefulShutdown() async throws {
        let clock = SystemClock(ContinuousClock())
        let system = RevoSystem(
            configuration: RevoSystem.Configuration(seed: 1),
            dependencies: RevoSystem.Dependencies(
                providers: [SlowProvider(.openai(hasKey: true), delay: .milliseconds(600))],
                probe: FixedResourceProbe(MachineResources(totalRAM: .gigabytes(16), availableRAM: .gigabytes(8), cpuCores: 4)),
                conversations: InMemoryConversationStore(),
                memoryPrimary: InMemoryMemoryBackend(),
                cache: nil,
                clock: clock,
                starter: ConcurrentTaskStarter()
            )
        )
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = RevoApplication.application(
            system: system,
            authentication: await TestAuth.authentication(),
            configuration: ServerConfiguration(port: 0, requestsPerMinute: 10_000),
            clock: clock,
            metrics: ServerMetrics(),
            logger: Logger(label: "test")
        ) { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
        }
        let group = ServiceGroup(services: [RevoSystemService(system: system), app], logger: Logger(label: "test"))
        let auth = await TestAuth.headers()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                // The system starts inside the group, beside the server: wait until it says it is ready.
                while try await client.get("/health/ready").status != .ok { try await Task.sleep(for: .milliseconds(20)) }
                async let answer = client.post("/api/chat", headers: auth, body: ByteBuffer(string: #"{"content":"take your time"}"#))
                try await Task.sleep(for: .milliseconds(200))
                await group.triggerGracefulShutdown()
                let response = try await answer
                #expect(response.status == .ok, "\(String(buffer: response.body ?? ByteBuffer()))")
                #expect(ServerTests.json(response.body ?? ByteBuffer())["provider"] as? String == "openai")
            }
            try await tasks.waitForAll()
        }
        #expect(system.phase == .stopped)
    }
}

/// Answers after a delay, on the real clock.
struct SlowProvider: ModelProvider {
    let descriptor: ModelDescriptor
    let delay: Duration

    init(_ descriptor: ModelDescriptor, delay: Duration) {
        self.descriptor = descriptor
        self.delay = delay
    }

    func load() async throws(ProviderError) {}
    func unload() async {}
    func health() async -> ProviderHealth { .healthy }

    func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationChunk, any Error> {
        let delay = self.delay
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await Task.sleep(for: delay)
                    continuation.yield(.token("done"))
                    continuation.yield(.finished(TokenUsage(promptTokens: 1, completionTokens: 1)))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
