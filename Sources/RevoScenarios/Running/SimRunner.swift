import Foundation
import Logging
import NIOCore
import RevoCore
import RevoServer
public import RevoSim
import Synchronization

/// Runs a scenario in sim mode: the real ``RevoSystem`` on a ``SimulationExecutor``, every dependency a fake with
/// physics, the fault timeline applied on the virtual clock, and the workload sent as its users' HTTP requests and
/// WebSocket frames through the application `revo serve` builds, in process, as an open model.
public struct SimRunner: Sendable {
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

    public func run(_ scenario: Scenario, seed: UInt64? = nil) throws(Failure) -> ScenarioRun {
        let world = SimWorld(scenario, seed: seed ?? scenario.seed)
        let sim = world.sim
        let metrics = MetricsRecorder()
        let outcome = Mutex((probes: [Probe.Result](), lost: [String](), duplicated: [String]()))
        let interceptor = self.interceptor
        sim.spawn("scenario") {
            await world.system.start()
            let tokens = await world.tokenService()
            let server = world.application(tokens: tokens, interceptor: interceptor)
            let transport = InProcessTransport(server: server, starter: sim)
            let signedIn = await SimUsers.provision(world, tokens: tokens)
            // Probes first, on the fresh server, as a frontend's first requests would be.
            let probes = await ProbeClient(transport: transport, clock: world.clock, user: signedIn.users[0], expiredToken: signedIn.expiredTokens[0])
                .run(scenario.probes)
            let sampler = sim.spawn("health-sampler") { await Self.sampleHealth(world, server: server, metrics: metrics) }
            let api = APIClient(transport: transport, clock: world.clock, starter: sim, metrics: metrics)
            let client = WorkloadClient(
                api: api,
                sockets: SocketClient(api: api),
                workload: scenario.workload,
                socketDrops: { [faults = world.faults] in
                    guard let fault = faults.hit(.websocket, operation: "stream"), case .disconnect(let frames) = fault.kind else { return nil }
                    return frames
                },
                metrics: metrics,
                clock: world.clock,
                expiredTokens: signedIn.expiredTokens
            )
            var driver = WorkloadDriver(scenario: scenario, client: client, users: signedIn.users, random: world.random, starter: sim)
            driver.finished = { index, record in sim.record(record.traceLine(index: index)) }
            await driver.drive()
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
        var run = ScenarioRun(
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

    /// `GET /health` every second as a monitor polls it (every 5 s beyond an hour: a day has 86,400 seconds), with the
    /// bytes the system's own structures hold in this process and the machine's modelled memory beside it.
    private static func sampleHealth(_ world: SimWorld, server: InProcessServer, metrics: MetricsRecorder) async {
        let every: Duration = world.scenario.duration <= .seconds(3600) ? .seconds(1) : .seconds(5)
        let monitor = try! SocketAddress(ipAddress: "10.255.255.254", port: 9_100)
        // The last answer read and what it said: an answer of the same bytes says the same, at its own time.
        var last: (body: [UInt8], report: HealthReport)?
        while !Task.isCancelled {
            let at = world.clock.now
            let answer = await server.send(HTTPCall(.get, "/health"), from: monitor)
            // Stopped mid-sample: the checks it ran were cancelled, so its answer is not the system's health.
            guard !Task.isCancelled else { return }
            var report: HealthReport
            if let last, last.body == answer.body {
                report = last.report
                report.checkedAt = at
            } else if let json = answer.json {
                report = HealthReport(answer: json, at: at)
                last = (answer.body, report)
            } else {
                report = .unreachable("HTTP \(answer.status): \(answer.text)", at: at)
            }
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
            if (try? world.memoryPrimary.inner.entry(id: id)) == nil { missing.append(id) }
        }
        return missing
    }

    /// WebSocket conversations holding more user messages than their client sent distinct messages: a resend stored
    /// again.
    private static func duplicatedMessages(_ world: SimWorld, sessions: [MetricsRecorder.WebSocketSession]) async -> [String] {
        var doubled: [String] = []
        for session in sessions {
            let stored = (try? world.conversations.inner.messages(conversationID: session.conversation, limit: Int.max)) ?? []
            if stored.filter({ $0.role == .user }).count > session.messages { doubled.append(session.conversation) }
        }
        return doubled
    }
}
