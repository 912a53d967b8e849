import Foundation
import Logging
public import RevoCore
public import RevoSim
import Synchronization

/// Runs a scenario in sim mode: the real ``RevoSystem`` on a ``SimulationExecutor``, every dependency a fake with
/// physics, the fault timeline applied on the virtual clock, the workload driven as an open model.
public struct SimRunner: Sendable {
    /// Everything a run produced, before judging.
    public struct Run: Sendable {
        public var scenario: Scenario
        public var seed: UInt64
        public var metrics: MetricsRecorder
        public var faults: [FaultInjector.Tally]
        public var digest: String
        public var statistics: SimulationStatistics
        /// Acknowledged memory writes found neither in the primary store nor in the outbox at the end.
        public var lostWrites: [String]
        /// WebSocket conversations holding more user messages than their client had answered.
        public var duplicatedMessages: [String]
        public var endedAt: Duration
        /// Run by the live runner on the wall clock (no simulation digest; reproduced with `--mode live`).
        public var live = false
        /// What the live run's probes found (none in the simulation).
        public var probes: [Probe.Result] = []
        /// Whether ``lostWrites`` was looked up (a live run against a server whose database it was not given cannot).
        public var writesVerified = true
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case stalled(SimulationError)

        public var description: String {
            switch self {
            case .stalled(let error): "\(error)"
            }
        }
    }

    public init() {}

    /// The system's own logs would drown a scenario run; only errors get through.
    static var quietLogger: Logger {
        var logger = Logger(label: "revo.sim")
        logger.logLevel = .error
        return logger
    }

    public func run(_ scenario: Scenario, seed: UInt64? = nil) throws(Failure) -> Run {
        let seed = seed ?? scenario.seed
        let random = SeededRandom(seed: seed)
        let sim = SimulationExecutor(traceCapacity: 0)
        let clock = SystemClock(sim.clock)
        let faults = FaultInjector(faults: scenario.faults, random: random.split("faults"), clock: clock)
        let machine = FakeMachine(scenario.machine, faults: faults)
        let providers = scenario.system.providers.map { profile in
            FakeProvider(
                profile: profile,
                machine: machine,
                faults: faults,
                clock: clock,
                random: RandomSource(random.split("provider." + profile.descriptor.id.rawValue))
            )
        }
        func gate(_ target: FaultSpec.Target, _ latency: Duration) -> FaultGate {
            FaultGate(target: target, latency: latency, faults: faults, clock: clock, random: RandomSource(random.split("gate.\(target)")))
        }
        let memoryPrimary = FakeMemoryBackend(gate: gate(.memory, scenario.system.memoryLatency))
        let conversations = FakeConversationStore(gate: gate(.database, scenario.system.databaseLatency))
        let outbox: any MemoryOutbox = scenario.system.outboxEnabled ? InMemoryOutbox() : LossyOutbox()
        let system = RevoSystem(
            configuration: RevoSystem.Configuration(
                routing: scenario.system.routing,
                parallelMind: scenario.system.parallelMind,
                chat: ChatService.Settings(replyCacheTTL: scenario.system.replyCache ? .seconds(300) : nil),
                databaseTimeout: scenario.system.databaseTimeout,
                cacheTimeout: scenario.system.cacheTimeout,
                seed: seed
            ),
            dependencies: RevoSystem.Dependencies(
                providers: providers,
                probe: machine,
                conversations: conversations,
                memoryPrimary: memoryPrimary,
                outbox: outbox,
                cache: FakeCache(gate: gate(.cache, scenario.system.cacheLatency), clock: clock),
                clock: clock,
                starter: sim,
                logger: SimRunner.quietLogger
            )
        )
        let metrics = MetricsRecorder()
        let arrivals = WorkloadPlan.arrivals(scenario.workload, duration: scenario.duration, random: random)
        let lost = Mutex<[String]>([])
        let duplicated = Mutex<[String]>([])

        sim.spawn("scenario") {
            await system.start()
            // Every second for runs up to an hour; every 5 s beyond (a day has 86,400 seconds to sample).
            let sampleEvery: Duration = scenario.duration <= .seconds(3600) ? .seconds(1) : .seconds(5)
            let sampler = sim.spawn("health-sampler") {
                while !Task.isCancelled {
                    let report = await system.health()
                    let memoryGB = machine.modelledMemory.gigabytes + 0.064 + Double((try? await memoryPrimary.inner.count()) ?? 0) * 4e-6
                    metrics.sample(report, memoryGB: memoryGB)
                    do { try await clock.sleep(for: sampleEvery) } catch { return }
                }
            }
            let inFlight = InFlightCounter()
            var prompts = random.split("workload.prompts")
            for (index, arrival) in arrivals.enumerated() {
                do { try await clock.sleep(until: arrival.at) } catch { break }
                let prompt = WorkloadPlan.prompt(index: index, workload: scenario.workload, random: &prompts)
                inFlight.add(1)
                // One unstructured task per arrival: a task group with thousands of live children is quadratic.
                sim.spawn("request-\(index)") {
                    let record = await Self.perform(
                        arrival,
                        index: index,
                        prompt: prompt,
                        scenario: scenario,
                        system: system,
                        clock: clock,
                        metrics: metrics,
                        client: WebSocketClient(sim: sim, faults: faults)
                    )
                    metrics.record(record)
                    sim.record(
                        "request \(index) \(record.operation.rawValue) \(record.outcome.rawValue) \(record.provider?.rawValue ?? "-") \(record.latency.nanoseconds)"
                    )
                    inFlight.add(-1)
                }
            }
            try? await clock.sleep(until: scenario.duration)
            // Let the requests still running finish (each is bounded by its deadline), then stop the system.
            let drainLimit = scenario.duration + scenario.system.routing.requestDeadline + .seconds(10)
            while inFlight.value > 0, clock.now < drainLimit {
                try? await clock.sleep(for: .milliseconds(100))
            }
            sampler.cancel()
            metrics.scaled(system.parallelMind.snapshot().scaleEvents)
            await system.shutdown()
            var missing: [String] = []
            let pending = Set(((try? await outbox.pending(limit: Int.max)) ?? []).map(\.entry.id))
            for id in metrics.acknowledgedWrites where !pending.contains(id) {
                if (try? await memoryPrimary.inner.entry(id: id)) == nil { missing.append(id) }
            }
            lost.withLock { $0 = missing }
            var doubled: [String] = []
            for session in metrics.sessions {
                let stored = (try? await conversations.inner.messages(conversationID: session.conversation, limit: Int.max)) ?? []
                if stored.filter({ $0.role == .user }).count > session.answered { doubled.append(session.conversation) }
            }
            duplicated.withLock { $0 = doubled }
        }
        do {
            try sim.run()
        } catch {
            throw .stalled(error)
        }
        return Run(
            scenario: scenario,
            seed: seed,
            metrics: metrics,
            faults: faults.tallies,
            digest: sim.trace.digest,
            statistics: sim.statistics,
            lostWrites: lost.withLock { $0 },
            duplicatedMessages: duplicated.withLock { $0 },
            endedAt: sim.now.offset
        )
    }

    static func perform(
        _ arrival: WorkloadPlan.Arrival,
        index: Int,
        prompt: (text: String, topic: String, session: String),
        scenario: Scenario,
        system: RevoSystem,
        clock: SystemClock,
        metrics: MetricsRecorder,
        client: WebSocketClient
    ) async -> RequestRecord {
        var record = RequestRecord(starting: arrival, index: index)
        func fill(_ reply: ChatReply) {
            record.provider = reply.provider
            record.providerKind = reply.providerKind
            record.upstreamCalls = reply.trace.upstreamCalls
            record.retries = reply.trace.retries
            record.costUSD = reply.costUSD
        }
        func fail(_ error: ChatError) {
            switch error {
            case .invalid, .rejected: record.outcome = .rejected
            case .interrupted(let interruption):
                record.outcome = .interrupted
                record.provider = interruption.provider
                record.upstreamCalls = interruption.trace.upstreamCalls
            case .unavailable(let cause):
                record.outcome = .unavailable
                record.upstreamCalls = cause.trace?.upstreamCalls ?? 0
            case .dependencyUnavailable, .cancelled: record.outcome = .unavailable
            }
            record.detail = "\(error)"
        }
        let workload = scenario.workload
        switch arrival.operation {
        case .chat:
            let request = ChatRequest(content: prompt.text, maxTokens: workload.maxTokens, conversationID: prompt.session)
            switch await Result(awaiting: { () async throws(ChatError) in try await system.chat.chat(request) }) {
            case .success(let reply):
                fill(reply)
                record.timeToFirstToken = reply.timeToFirstToken
            case .failure(let error): fail(error)
            }
        case .stream:
            // First and last chunk times and the chunk count give TTFT and the mean inter-token gap.
            let seen = Mutex((first: Duration?.none, last: Duration.zero, chunks: 0))
            let request = ChatRequest(content: prompt.text, maxTokens: workload.maxTokens, conversationID: prompt.session)
            let outcome = await Result(awaiting: { () async throws(ChatError) in
                try await system.chat.streamChat(request) { _ in
                    let now = clock.now
                    seen.withLock { s in
                        if s.first == nil { s.first = now }
                        s.last = now
                        s.chunks += 1
                    }
                }
            })
            switch outcome {
            case .success(let reply): fill(reply)
            case .failure(let error): fail(error)
            }
            let stream = seen.withLock { $0 }
            record.timeToFirstToken = stream.first.map { $0 - arrival.at }
            if let first = stream.first, stream.chunks > 1 {
                record.interTokenLatency = (stream.last - first) / (stream.chunks - 1)
            }
        case .memoryStore:
            do throws(StoreError) {
                let receipt = try await system.recall.store(
                    content: "\(prompt.topic) notes: \(prompt.text)",
                    type: "conversation",
                    sessionID: prompt.session,
                    indexedBy: "\(prompt.topic) notes"
                )
                metrics.acknowledged(receipt.id)
            } catch {
                record.outcome = .unavailable
                record.detail = "\(error)"
            }
        case .memoryRecall:
            switch await Result(awaiting: { () async throws(ChatError) in try await system.queryMemory("\(prompt.topic) notes") }) {
            case .success: break
            case .failure(let error): fail(error)
            }
        case .websocket:
            let session = await client.session(
                conversation: "ws-\(index)",
                prompt: prompt.text,
                workload: workload,
                system: system,
                clock: clock
            )
            metrics.session(session)
            if session.answered < session.messages {
                record.outcome = session.reportedErrors > 0 ? .unavailable : .interrupted
                record.detail = "\(session.messages - session.answered) of \(session.messages) messages unanswered"
            }
        case .engine:
            let tasks =
                workload.enterpriseEngineTasksOnly ? WorkloadPlan.engineTasks.filter { $0.complexity == .enterprise } : WorkloadPlan.engineTasks
            let task = tasks[index % tasks.count]
            let request = CoordinationRequest(
                taskID: "task-\(index)",
                description: task.description,
                input: prompt.text,
                complexity: task.complexity,
                strategy: task.complexity == .enterprise ? .parallel : .adaptive
            )
            switch await Result(awaiting: { () async throws(ChatError) in try await system.executeEngines(request) }) {
            case .success(let response):
                record.engineTimes = response.engineResponses.map { .init(engine: $0.engine, duration: $0.executionTime, succeeded: $0.success) }
                if !response.success {
                    record.outcome = .unavailable
                    record.detail = response.engineResponses.compactMap(\.error).joined(separator: "; ")
                }
            case .failure(let error): fail(error)
            }
        }
        record.latency = clock.now - arrival.at
        return record
    }
}

/// Requests started and not yet finished.
final class InFlightCounter: Sendable {
    private let count = Mutex(0)

    func add(_ delta: Int) {
        count.withLock { $0 += delta }
    }

    var value: Int { count.withLock { $0 } }
}
