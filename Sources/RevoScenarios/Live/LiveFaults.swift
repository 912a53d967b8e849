import RevoCore
import RevoFaultProxy
import RevoSim
import Synchronization

/// The scenario's fault timeline made real: each window of each fault becomes an action on a proxy (a toxic) or on
/// a process (PostgreSQL stopped and started), applied at its start and undone at its end.
///
/// The database and memory share one PostgreSQL in live mode, so outages of both hold one stop; the server comes
/// back only when the last of them ends.
final class LiveFaults: Sendable {
    /// How a fault is made real, or why it cannot be in live mode (then it never fires and the verdict says so).
    enum Action: Sendable, Equatable {
        case toxic(proxy: String, Toxic)
        case stopPostgres
        case unsupported(String)
    }

    static let postgresProxy = "postgres"
    static let redisProxy = "redis"

    private let proxy: FaultProxy
    private let postgres: LocalPostgres?
    private let state = Mutex((fired: [String: Int](), postgresStops: 0))

    init(proxy: FaultProxy, postgres: LocalPostgres?) {
        self.proxy = proxy
        self.postgres = postgres
    }

    /// The action for one fault; `ownsPostgres` says whether a real stop is possible (a server this run started).
    static func action(for fault: FaultSpec, ownsPostgres: Bool) -> Action {
        if fault.firstN != nil || fault.probability < 1 || !fault.operations.isEmpty {
            return .unsupported("first/probability/operations select single calls, which a TCP proxy cannot tell apart")
        }
        let proxyName: String
        switch fault.target {
        case .database, .memory: proxyName = postgresProxy
        case .cache: proxyName = redisProxy
        case .provider(let id): return .unsupported("provider faults on \(id) need revo fake-llm, not yet wired into the live runner")
        case .machine, .websocket: return .unsupported("\(fault.target) faults exist only in the simulation")
        }
        func toxic(_ type: String, _ attributes: [String: ToxicAttributes.Value] = [:], stream: ToxicStream = .downstream) -> Action {
            guard let toxic = try? Toxic(name: fault.id, type: type, stream: stream, attributes: ToxicAttributes(attributes)) else {
                return .unsupported("no toxic for \(fault.kind.name)")
            }
            return .toxic(proxy: proxyName, toxic)
        }
        switch fault.kind {
        case .outage(let code):
            if proxyName == redisProxy, let code, let error = ToxicKind.redisErrorShorthands.first(where: { $0.uppercased() == code.uppercased() }) {
                return toxic("redis_error", ["error": .string(error)])
            }
            if proxyName == postgresProxy, ownsPostgres { return .stopPostgres }
            return toxic("down")
        case .latency(let extra):
            return toxic("latency", ["latency": .number(Double(extra.nanoseconds / 1_000_000))])
        case .timeout:
            return toxic("timeout", ["timeout": .number(0)])
        default:
            return .unsupported("\(fault.kind.name) on \(fault.target) has no live form")
        }
    }

    /// Applies the action at the start of a window.
    func begin(_ fault: FaultSpec, _ action: Action) async throws(LiveError) {
        switch action {
        case .unsupported:
            return
        case .toxic(let name, let toxic):
            do { try await proxy.addToxic(name, toxic) } catch { throw LiveError("cannot add toxic \(toxic.name) to \(name): \(error)") }
        case .stopPostgres:
            let first = state.withLock { s in
                s.postgresStops += 1
                return s.postgresStops == 1
            }
            if first { try postgres?.stop() }
        }
        state.withLock { $0.fired[fault.id, default: 0] += 1 }
    }

    /// Undoes the action at the end of a window.
    func end(_ fault: FaultSpec, _ action: Action) async throws(LiveError) {
        switch action {
        case .unsupported:
            return
        case .toxic(let name, let toxic):
            try? await proxy.removeToxic(name, toxic.name)
        case .stopPostgres:
            let last = state.withLock { s in
                s.postgresStops -= 1
                return s.postgresStops == 0
            }
            if last { try postgres?.start() }
        }
    }

    func tallies(_ faults: [FaultSpec]) -> [FaultInjector.Tally] {
        state.withLock { s in faults.map { FaultInjector.Tally(fault: $0, fired: s.fired[$0.id] ?? 0) } }
    }
}
