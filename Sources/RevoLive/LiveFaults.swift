import RevoCore
import RevoFakeLLM
import RevoFaultProxy
import RevoScenarios
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
        /// A fault the provider's `revo fake-llm` injects itself (rate limits, errors, cut streams...).
        case upstream(ProviderID, FakeLLMFault)
        case unsupported(String)
    }

    static let postgresProxy = "postgres"
    static let redisProxy = "redis"

    static func providerProxy(_ id: ProviderID) -> String { "provider-\(id)" }

    private let proxy: FaultProxy
    private let postgres: LocalPostgres?
    private let upstreams: [ProviderID: UpstreamAdmin]
    private let state = Mutex((fired: [String: Int](), postgresStops: 0, added: [String: String]()))

    init(proxy: FaultProxy, postgres: LocalPostgres?, upstreams: [ProviderID: UpstreamAdmin]) {
        self.proxy = proxy
        self.postgres = postgres
        self.upstreams = upstreams
    }

    /// The action for one fault; `ownsPostgres` says whether a real stop is possible (a server this run started),
    /// `upstreams` which providers are served by a `revo fake-llm` of this run.
    static func action(for fault: FaultSpec, ownsPostgres: Bool, upstreams: Set<ProviderID> = []) -> Action {
        if case .provider(let id) = fault.target {
            guard upstreams.contains(id) else {
                return .unsupported("\(id) is served inside revo serve (a local or mock model): only API providers run as fake-llm")
            }
            return upstreamAction(fault, provider: id)
        }
        if fault.firstN != nil || fault.probability < 1 || !fault.operations.isEmpty {
            return .unsupported("first/probability/operations select single calls, which a TCP proxy cannot tell apart")
        }
        let proxyName: String
        switch fault.target {
        case .database, .memory: proxyName = postgresProxy
        case .cache: proxyName = redisProxy
        case .provider, .machine, .websocket: return .unsupported("\(fault.target) faults exist only in the simulation")
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

    /// A provider fault as the fake upstream takes it; an outage is the upstream's socket refusing connections.
    private static func upstreamAction(_ fault: FaultSpec, provider: ProviderID) -> Action {
        if case .outage = fault.kind, fault.firstN == nil, fault.probability >= 1 {
            guard let toxic = try? Toxic(name: fault.id, type: "down") else { return .unsupported("no down toxic") }
            return .toxic(proxy: providerProxy(provider), toxic)
        }
        let kind: String
        var upstream = FakeLLMFault(kind: "")
        switch fault.kind {
        case .rateLimit(let retryAfter):
            kind = "rate_limit"
            upstream.retryAfterS = retryAfter.map(\.seconds)
        case .serverError(let status):
            kind = "server_error"
            upstream.status = status
        case .errorRate(let rate, let code):
            kind = "error_rate"
            upstream.rate = rate
            upstream.status = code.flatMap { Int($0) }
        case .timeout: kind = "timeout"
        case .latency(let extra):
            kind = "latency"
            upstream.latencyMs = extra.seconds * 1000
        case .disconnect(let after):
            kind = "disconnect"
            upstream.afterTokens = after
        case .stall(let after):
            kind = "stream_stall"
            upstream.afterTokens = after
        case .streamFault(let form, let after):
            kind = form.rawValue
            upstream.afterTokens = after
        case .contentPolicy: kind = "content_policy"
        case .outage: kind = "outage"
        case .oomOnLoad, .missingLibrary, .gpuTaken, .ramTaken:
            return .unsupported("\(fault.kind.name) concerns local models, which an HTTP upstream does not load")
        }
        upstream.kind = kind
        upstream.firstN = fault.firstN
        upstream.probability = fault.probability < 1 ? fault.probability : nil
        return .upstream(provider, upstream)
    }

    /// Applies the action at the start of a window (`window` long, nil: to the end of the run).
    func begin(_ fault: FaultSpec, _ action: Action, window: Duration? = nil, occurrence: Int = 0) async throws(LiveError) {
        switch action {
        case .unsupported:
            return
        case .upstream(let provider, var upstream):
            guard let admin = upstreams[provider] else { return }
            upstream.id = "\(fault.id)#\(occurrence)"
            upstream.forMs = window.map { $0.seconds * 1000 }
            try await admin.add(upstream)
            state.withLock { $0.added[upstream.id!] = fault.id }
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
        case .unsupported, .upstream:
            // An upstream fault was added with its window's length and ends by itself.
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

    /// How often each fault fired: applied windows for proxy and process faults; the requests it hit for upstream
    /// faults (as the fake upstreams count them), so an upstream fault no request met reports zero.
    func tallies(_ faults: [FaultSpec]) async -> [FaultInjector.Tally] {
        var hits: [String: Int] = [:]
        for provider in upstreams.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            for (id, fired) in await upstreams[provider]?.fired() ?? [:] {
                if let fault = state.withLock({ $0.added[id] }) { hits[fault, default: 0] += fired }
            }
        }
        return state.withLock { s in
            faults.map { fault in
                let upstream = s.added.values.contains(fault.id)
                return FaultInjector.Tally(fault: fault, fired: upstream ? hits[fault.id] ?? 0 : s.fired[fault.id] ?? 0)
            }
        }
    }
}
