import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Model manager: resource-aware selection and loading")
struct ModelSelectionTests {
    @Test("on a roomy machine every provider is ready, in chain order with the mock last")
    func allReady() throws {
        let fixture = ProviderFixture()
        let manager = fixture.manager()
        let statuses = try fixture.run {
            await manager.start()
            return manager.statuses()
        }
        #expect(statuses.map(\.id) == [.deepseekR1, .llamaLocal, .openai, .anthropic, .mock])
        #expect(statuses.allSatisfy { $0.state == .ready })
        #expect(manager.health() == .healthy)
    }

    @Test("the seed's rules: 3 GB RAM and no GPU rule out DeepSeek and Llama, a missing key rules out OpenAI")
    func seedRules() throws {
        let machine = MachineResources(totalRAM: .gigabytes(8), availableRAM: .gigabytes(3), cpuCores: 4, nativeLibraries: ["torch", "transformers"])
        let fixture = ProviderFixture(machine: machine, openaiKey: false)
        let manager = fixture.manager()
        let (states, answer) = try fixture.run {
            await manager.start()
            return (manager.statuses().map { ($0.id, $0.state) }, try await manager.generate(chat))
        }
        #expect(states[0].1 == .unavailable(reason: "needs more than 4.0 GB available RAM, 3.0 GB available", retryable: true))
        #expect(
            states[1].1
                == .unavailable(
                    reason: "needs a GPU with more than 16.0 GB, none present; or needs more than 32.0 GB available RAM, 3.0 GB available",
                    retryable: true
                )
        )
        #expect(states[2].1 == .unavailable(reason: "no API key configured", retryable: false))
        #expect(states[3].1 == .ready)
        #expect(answer.provider == .anthropic)
        #expect(fixture.deepseek.loads == 0, "a model that cannot fit is never loaded")
    }

    @Test("Llama is chosen on the CPU with more than 32 GB RAM and no GPU")
    func llamaOnCPU() throws {
        let machine = MachineResources(
            totalRAM: .gigabytes(64),
            availableRAM: .gigabytes(40),
            cpuCores: 16,
            nativeLibraries: ["torch", "transformers"]
        )
        let fixture = ProviderFixture(machine: machine)
        let manager = fixture.manager()
        let state = try fixture.run {
            await manager.start()
            return manager.statuses().first { $0.id == .llamaLocal }?.state
        }
        #expect(state == .ready)
    }

    @Test("a missing native library makes the local providers unavailable with that reason; APIs, then the mock, answer")
    func missingLibrary() throws {
        var machine = MachineResources.roomy
        machine.nativeLibraries = ["cuda", "torch"]
        let fixture = ProviderFixture(machine: machine)
        let manager = fixture.manager()
        let (statuses, answer) = try fixture.run {
            await manager.start()
            return (manager.statuses(), try await manager.generate(chat))
        }
        let reason = "missing native library: No module named 'transformers'"
        #expect(statuses[0].state == .unavailable(reason: reason, retryable: true))
        #expect(statuses[1].state == .unavailable(reason: reason, retryable: true))
        #expect(answer.provider == .openai)
        #expect(manager.health().status == .degraded)
        #expect(manager.health().reasons.contains("deepseek_r1_0528: \(reason)"))
    }

    @Test("OOM at load marks DeepSeek unavailable and Llama, OpenAI, mock answer in that order")
    func oomAtLoadThenFallbackOrder() throws {
        let fixture = ProviderFixture()
        fixture.deepseek.setLoad(error: .outOfMemory("CUDA out of memory: tried to allocate 4.0 GB"))
        fixture.openai.setDefault(.answer())
        let manager = fixture.manager()
        let answers = try fixture.run {
            await manager.start()
            var answers: [ProviderID] = [try await manager.generate(chat).provider]
            fixture.llama.setDefault(.fail(.connectionRefused("llama health URL")))
            answers.append(try await manager.generate(chat).provider)
            fixture.openai.setDefault(.fail(.serverError(status: 503, message: "overloaded")))
            fixture.anthropic.setDefault(.fail(.connectionRefused("api.anthropic.com")))
            answers.append(try await manager.generate(chat).provider)
            return answers
        }
        #expect(answers == [.llamaLocal, .openai, .mock])
        #expect(manager.statuses()[0].state == .unavailable(reason: "CUDA out of memory: tried to allocate 4.0 GB", retryable: true))
    }

    @Test("a model whose footprint fits neither on the GPU nor on the CPU is not loaded and says why")
    func footprintDoesNotFit() throws {
        var machine = MachineResources.roomy
        machine.availableRAM = .gigabytes(20)
        machine.gpus = [.init(name: "gpu0", totalMemory: .gigabytes(24), availableMemory: .gigabytes(16.5))]
        var llama = ModelDescriptor.llamaLocal()
        llama.footprint = ResourceFootprint(ram: .gigabytes(2), gpuMemory: .gigabytes(18))
        let fixture = ProviderFixture(machine: machine)
        let provider = ScriptedProvider(llama, clock: fixture.clock)
        let manager = fixture.manager(providers: [provider, fixture.mock])
        let state = try fixture.run {
            await manager.start()
            return manager.statuses()[0].state
        }
        #expect(state == .unavailable(reason: "CUDA out of memory: needs 18.0 GB, 16.5 GB free", retryable: true))
        #expect(provider.loads == 0)
    }

    @Test("an unavailable provider is probed again with backoff and takes traffic back when memory frees")
    func reprobeWhenMemoryFrees() throws {
        var machine = MachineResources.roomy
        machine.availableRAM = .gigabytes(3)
        let fixture = ProviderFixture(machine: machine)
        let manager = fixture.manager(providers: [fixture.deepseek, fixture.mock])
        let (before, after, probeTimes) = try fixture.run {
            await manager.start()
            let before = try await manager.generate(chat).provider
            var probeTimes: [Duration?] = [manager.statuses()[0].nextProbeAt]
            // Backoff doubles while nothing changes: 5 s, 10 s, 20 s.
            for _ in 0..<2 {
                try await fixture.clock.sleep(until: probeTimes.last!!)
                await manager.reconcile()
                probeTimes.append(manager.statuses()[0].nextProbeAt)
            }
            fixture.probe.set { $0.availableRAM = .gigabytes(12) }
            await manager.reconcile()  // more memory than at the failure: tried at once, no need to wait
            return (before, try await manager.generate(chat).provider, probeTimes)
        }
        #expect(before == .mock)
        #expect(probeTimes == [.seconds(5), .seconds(15), .seconds(35)])
        #expect(after == .deepseekR1)
        #expect(fixture.deepseek.loads == 1)
    }

    @Test("the background re-probe loop brings a provider back on its own")
    func backgroundReprobe() throws {
        let fixture = ProviderFixture()
        fixture.deepseek.setLoad(error: .missingWeights("/models/deepseek-r1"))
        let manager = fixture.manager(RoutingPolicy(reprobeInitial: .seconds(10)), providers: [fixture.deepseek, fixture.mock])
        let provider = try fixture.run {
            await manager.start()
            manager.startReprobing(with: fixture.sim)
            fixture.deepseek.setLoad(error: nil)
            try await fixture.clock.sleep(for: .seconds(11))
            let provider = try await manager.generate(chat).provider
            await manager.shutdown()
            return provider
        }
        #expect(provider == .deepseekR1)
        #expect(fixture.deepseek.loads == 2)
        #expect(fixture.deepseek.unloads == 1)
    }

    @Test("a load that never finishes is cut off by the load timeout")
    func loadTimeout() throws {
        let fixture = ProviderFixture()
        fixture.deepseek.setLoad(error: nil, time: .seconds(3600))
        let manager = fixture.manager(RoutingPolicy(loadTimeout: .seconds(30)), providers: [fixture.deepseek, fixture.mock])
        let (state, at) = try fixture.run {
            await manager.start()
            return (manager.statuses()[0].state, fixture.clock.now)
        }
        #expect(state == .unavailable(reason: "unavailable: load did not finish within 30.000s", retryable: true))
        #expect(at == .seconds(30))
    }
}
