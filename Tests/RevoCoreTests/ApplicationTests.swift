import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Application operations: engines, models, memory")
struct ApplicationTests {
    @Test("engine execution validates its request and runs the coordinator")
    func engines() throws {
        let fixture = SystemFixture()
        let (bad, timeout, good) = try fixture.run {
            let bad = await Result(awaiting: { () async throws(ChatError) in
                try await fixture.system.executeEngines(CoordinationRequest(taskID: "t", description: "  "))
            })
            let timeout = await Result(awaiting: { () async throws(ChatError) in
                try await fixture.system.executeEngines(CoordinationRequest(taskID: "t", description: "x", timeout: .seconds(601)))
            })
            let good = try await fixture.system.executeEngines(CoordinationRequest(taskID: "t", description: "run a batch of checks"))
            return (bad.failure, timeout.failure, good)
        }
        #expect(bad == .invalid(field: "description", message: "must not be empty"))
        #expect(timeout == .invalid(field: "timeout", message: "must be more than 0 and at most 600 seconds, got 601.000s"))
        #expect(good.success)
        #expect(good.engineResponses.map(\.engine) == [.parallelMind])
    }

    @Test("the model list shows every provider with its state, the machine and the costs")
    func modelList() throws {
        let fixture = SystemFixture()
        let list = try fixture.run {
            _ = try await fixture.system.chat.chat(ChatRequest(content: "hi", provider: "openai"))
            return await fixture.system.modelList()
        }
        #expect(list.providers.map(\.id) == [.deepseekR1, .llamaLocal, .openai, .anthropic, .mock])
        #expect(list.machine == .roomy)
        #expect(list.costs.cloudAnswers == 1)
        #expect(list.costPolicy.dailyCapUSD == 100)
    }

    @Test("memory query validates its limits; a query with both stores down is a 503-class error")
    func memoryQuery() throws {
        let fixture = SystemFixture()
        let (badLimit, found, report) = try fixture.run {
            _ = try await fixture.system.recall.store(content: "the cache runs on port 6379", type: "knowledge")
            let badLimit = await Result(awaiting: { () async throws(ChatError) in try await fixture.system.queryMemory("port", limit: 0) })
            let found = try await fixture.system.queryMemory("the cache runs on port 6379")
            return (badLimit.failure, found, await fixture.system.memoryReport())
        }
        #expect(badLimit == .invalid(field: "limit", message: "must be between 1 and 100, got 0"))
        #expect(found.memories.count == 1)
        #expect(report.store.primaryEntries == 1)
        #expect(report.recall.recalls == 1)
        #expect(report.health == .healthy)
    }
}
