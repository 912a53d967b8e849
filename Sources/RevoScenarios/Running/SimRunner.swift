import Foundation
import Logging
import NIOCore
public import RevoCore
import RevoServer
public import RevoSim
import Synchronization

/// Runs a scenario in sim mode: the real ``RevoSystem`` on a ``SimulationExecutor``, every dependency a fake with
/// physics, the fault timeline applied on the virtual clock, and the workload sent as its users' HTTP requests and
/// WebSocket frames through the application `revo serve` builds, in process, as an open model.
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
        /// What the system reported (circuits, outbox replays), with when; nil when the run could not hear it (live).
        public var systemEvents: [(at: Duration, event: SystemEvent)]?
        /// What the live run's probes found (none in the simulation).
        public var probes: [Probe.Result] = []
        /// What the live run's browser probes found; nil when no browser ran (the simulation), so browser checks are
        /// left out of the verdict rather than judged on nothing.
        public var browserProbes: [Probe.Result]?
        /// Requests the workload's clients sent (token refreshes included).
        public var requestCount: Int { metrics.records.count }
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

    /// Test seam: what stands between the simulated clients and the application (see ``InProcessServer/Interceptor``).
    var interceptor: InProcessServer.Interceptor?

    public init() {}

    /// The system's own logs would drown a scenario run; only errors get through.
    static var quietLogger: Logger {
        var logger = Logger(label: "revo.sim")
        logger.logLevel = .error
        return logger
    }

    public func run(_ scenario: Scenario, seed: UInt64? = nil) throws(Failure) -> Run {
        let world = SimWorld(scenario, seed: seed ?? scenario.seed)
        let sim = world.sim
        let metrics = MetricsRecorder()
        let outcome = Mutex((probes: [Probe.Result](), lost: [String](), duplicated: [String]()))
        let interceptor = self.interceptor
        sim.spawn("scenario") {
            await world.system.start()
            let tokens = await world.tokenService()
            let server = world.application(tokens: tokens, interceptor: interceptor)
            let signedIn = await SimUsers.provision(world, tokens: tokens)
            let api = APIClient(server: server, clock: world.clock, starter: sim, metrics: metrics)
            // Probes first, on the fresh server, as a frontend's first requests would be.
            let probes = await InProcessProbes(server: server, starter: sim, user: signedIn.users[0], expiredToken: signedIn.expiredTokens[0])
                .run(scenario.probes)
            let sampler = sim.spawn("health-sampler") { await Self.sampleHealth(world, server: server, metrics: metrics) }
            let client = WorkloadClient(
                api: api,
                sockets: SocketClient(server: server, api: api, starter: sim),
                workload: scenario.workload,
                faults: world.faults,
                metrics: metrics,
                clock: world.clock,
                expiredTokens: signedIn.expiredTokens
            )
            await Self.drive(world, client: client, users: signedIn.users, metrics: metrics)
            sampler.cancel()
            _ = await sampler.value
            metrics.scaled(world.system.parallelMind.snapshot().scaleEvents)
            await world.system.shutdown()
            let lost = await Self.lostWrites(world, acknowledged: metrics.acknowledgedWrites)
            let duplicated = await Self.duplicatedMessages(world, sessions: metrics.sessions)
            outcome.withLock { $0 = (probes, lost, duplicated) }
        }
        do {
            try sim.run()
        } catch {
            throw .stalled(error)
        }
        let found = outcome.withLock { $0 }
        var run = Run(
            scenario: scenario,
            seed: world.seed,
            metrics: metrics,
            faults: world.faults.tallies,
            digest: sim.trace.digest,
            statistics: sim.statistics,
            lostWrites: found.lost,
            duplicatedMessages: found.duplicated,
            endedAt: sim.now.offset
        )
        run.probes = found.probes
        run.systemEvents = world.events.all
        return run
    }

    /// The workload as an open model: each arrival sent at its time by one of the users, in a task of its own, then
    /// the requests still running let finish (each is bounded by its deadline).
    private static func drive(_ world: SimWorld, client: WorkloadClient, users: [VirtualUser], metrics: MetricsRecorder) async {
        let scenario = world.scenario
        let sim = world.sim
        let clock = world.clock
        let arrivals = WorkloadPlan.arrivals(scenario.workload, duration: scenario.duration, random: world.random)
        let inFlight = InFlightCounter()
        var prompts = world.random.split("workload.prompts")
        var choices = world.random.split("workload.clients")
        let workload = scenario.workload
        for (index, arrival) in arrivals.enumerated() {
            do { try await clock.sleep(until: arrival.at) } catch { break }
            let draw = WorkloadClient.Draw(
                prompt: WorkloadPlan.prompt(index: index, workload: workload, random: &prompts),
                user: users[Int(choices.next() % UInt64(users.count))],
                badInput: workload.badInput > 0 && choices.chance(workload.badInput)
                    ? workload.badInputKinds[Int(choices.next() % UInt64(workload.badInputKinds.count))] : nil,
                unit: choices.nextUnitInterval()
            )
            inFlight.add(1)
            // One unstructured task per arrival: a task group with thousands of live children is quadratic.
            sim.spawn("request-\(index)") {
                let record = await client.perform(arrival, index: index, draw: draw)
                metrics.record(record)
                sim.record(
                    "request \(index) \(record.operation.rawValue) \(record.status ?? 0) \(record.outcome.rawValue) \(record.provider?.rawValue ?? "-") \(record.latency.nanoseconds)"
                )
                inFlight.add(-1)
            }
        }
        try? await clock.sleep(until: scenario.duration)
        let drainLimit = scenario.duration + scenario.system.routing.requestDeadline + .seconds(10)
        while inFlight.value > 0, clock.now < drainLimit {
            try? await clock.sleep(for: .milliseconds(100))
        }
    }

    /// `GET /health` every second as a monitor polls it (every 5 s beyond an hour: a day has 86,400 seconds), with the
    /// bytes the system's own structures hold in this process and the machine's modelled memory beside it.
    private static func sampleHealth(_ world: SimWorld, server: InProcessServer, metrics: MetricsRecorder) async {
        let every: Duration = world.scenario.duration <= .seconds(3600) ? .seconds(1) : .seconds(5)
        let monitor = try! SocketAddress(ipAddress: "10.255.255.254", port: 9_100)
        while !Task.isCancelled {
            let at = world.clock.now
            let answer = await server.send(HTTPCall(.get, "/health"), from: monitor)
            // Stopped mid-sample: the checks it ran were cancelled, so its answer is not the system's health.
            guard !Task.isCancelled else { return }
            let report = answer.json.map { HealthReport(answer: $0, at: at) } ?? .unreachable("HTTP \(answer.status): \(answer.text)", at: at)
            let resident = await world.system.residentMemory().reduce(0) { $0 + $1.bytes }
            metrics.sample(report, processBytes: resident, machineBytes: world.machine.modelledMemory)
            do { try await world.clock.sleep(for: every) } catch { return }
        }
    }

    /// Acknowledged memory writes found neither in the primary store nor in the outbox.
    private static func lostWrites(_ world: SimWorld, acknowledged: [String]) async -> [String] {
        let pending = Set(((try? await world.outbox.pending(limit: Int.max)) ?? []).map(\.entry.id))
        var missing: [String] = []
        for id in acknowledged where !pending.contains(id) {
            if (try? await world.memoryPrimary.inner.entry(id: id)) == nil { missing.append(id) }
        }
        return missing
    }

    /// WebSocket conversations holding more user messages than their client sent distinct messages: a resend stored
    /// again.
    private static func duplicatedMessages(_ world: SimWorld, sessions: [MetricsRecorder.WebSocketSession]) async -> [String] {
        var doubled: [String] = []
        for session in sessions {
            let stored = (try? await world.conversations.inner.messages(conversationID: session.conversation, limit: Int.max)) ?? []
            if stored.filter({ $0.role == .user }).count > session.messages { doubled.append(session.conversation) }
        }
        return doubled
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
