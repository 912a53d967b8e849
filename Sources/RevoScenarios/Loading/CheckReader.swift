import RevoCore
import RevoSim

/// Reads a scenario's `checks:`: threshold strings and the named kinds, each against the faults and providers the
/// scenario declares.
struct CheckReader {
    let faults: [FaultSpec]
    let system: SystemSpec

    static let services = ["overall", "ready"] + Service.allCases.map(\.rawValue)

    func checks(_ node: YAMLNode) throws(ScenarioError) -> [CheckSpec] {
        try node.sequence().map { item throws(ScenarioError) in try check(item) }
    }

    private func check(_ item: YAMLNode) throws(ScenarioError) -> CheckSpec {
        if case .scalar = item.node { return try threshold(item) }
        let entries = try item.entries()
        guard entries.count == 1, let (kind, body, keyNode) = entries.first else {
            throw item.error("a check is a threshold string or one of: \(ScenarioLoader.checkKinds.joined(separator: ", "))")
        }
        switch kind {
        case "health": return try health(body)
        case "reachable":
            let check = CheckSpec.reachable(provider: try provider(try body.required("provider")), scope: try scope(body))
            try body.finish()
            return check
        case "sometimes": return .sometimes(try assertion(body))
        case "never": return .never(try assertion(body))
        case "recovers": return try recovers(body)
        case "scaling":
            let check = CheckSpec.scaling(
                workers: try body.required("workers").int(in: 1...10_000),
                within: try body.required("within").duration(),
                after: try body.optional("after")?.duration() ?? .zero
            )
            try body.finish()
            return check
        case "invariant": return try invariant(body)
        case "probe": return .probe(try ScenarioLoader.probe(body))
        case "browser": return .browser(try ScenarioLoader.browserProbe(body))
        default:
            let allowed = ScenarioLoader.checkKinds
            throw keyNode.error(
                "unknown check '\(kind)'; allowed: a threshold string, \(allowed.joined(separator: ", "))",
                suggestion: YAMLNode.closest(to: kind, in: allowed).map { "did you mean '\($0)'?" }
            )
        }
    }

    private func threshold(_ item: YAMLNode) throws(ScenarioError) -> CheckSpec {
        let threshold = try ThresholdParser.parse(try item.string(), node: item)
        if let scope = threshold.scope, !faults.contains(where: { $0.id == scope.fault }) {
            throw item.error(
                "\(scope.phase.rawValue): no fault with id '\(scope.fault)'; declared: \(faults.map(\.id).joined(separator: ", "))",
                suggestion: YAMLNode.closest(to: scope.fault, in: faults.map(\.id)).map { "did you mean '\($0)'?" }
            )
        }
        return .threshold(threshold)
    }

    /// `health:` as a state at every sample (`status:`), or degraded during a fault and healthy around it.
    private func health(_ body: YAMLNode) throws(ScenarioError) -> CheckSpec {
        let service = try self.service(try body.required("service"))
        let check: CheckSpec
        if let statusNode = try body.optional("status") {
            let name = try statusNode.string()
            guard let status = HealthStatus(rawValue: name) else {
                throw statusNode.error("unknown status '\(name)'; allowed: healthy, degraded, unhealthy")
            }
            check = .healthState(
                service: service,
                status: status,
                scope: try scope(body),
                reasonContains: try body.optional("reason_contains")?.string()
            )
        } else {
            check = .health(
                service: service,
                during: try fault(try body.required("degraded_during")),
                recoveredWithin: try body.optional("healthy_within")?.duration()
            )
        }
        try body.finish()
        return check
    }

    private func recovers(_ body: YAMLNode) throws(ScenarioError) -> CheckSpec {
        let service = try body.optional("service").map { node throws(ScenarioError) in try self.service(node) } ?? "overall"
        guard !faults.isEmpty else { throw body.error("recovers needs a fault to recover from; this scenario declares none") }
        let check = CheckSpec.recovers(
            service: service,
            after: try body.optional("after").map { node throws(ScenarioError) in try fault(node) },
            within: try body.required("within").duration(),
            latency: try body.optional("latency")?.duration()
        )
        try body.finish()
        return check
    }

    /// `sometimes:` / `never:` an event, alone or with a provider and a phase.
    private func assertion(_ body: YAMLNode) throws(ScenarioError) -> EventAssertion {
        if case .scalar = body.node { return EventAssertion(event: try event(body)) }
        let assertion = EventAssertion(
            event: try event(try body.required("event")),
            provider: try body.optional("provider").map { node throws(ScenarioError) in try provider(node) },
            scope: try scope(body)
        )
        try body.finish()
        return assertion
    }

    private func invariant(_ body: YAMLNode) throws(ScenarioError) -> CheckSpec {
        if case .scalar = body.node {
            let name = try body.string()
            switch name {
            case "no_lost_writes": return .noLostWrites
            case "no_duplicate_messages": return .noDuplicateMessages
            case "streams_consistent": return .streamsConsistent
            case "errors_well_formed": return .errorsWellFormed
            case "history_consistent": return .historyConsistent
            case "answered_by_deadline": return .answeredByDeadline
            default:
                let allowed = ScenarioLoader.invariants
                throw body.error(
                    "unknown invariant '\(name)'; allowed: \(allowed.joined(separator: ", ")), max_upstream_calls_per_request: N",
                    suggestion: YAMLNode.closest(to: name, in: allowed).map { "did you mean '\($0)'?" }
                )
            }
        }
        let limit = try body.required("max_upstream_calls_per_request").int(in: 1...100)
        let check = CheckSpec.maxUpstreamCalls(limit, scope: try scope(body))
        try body.finish()
        return check
    }

    // MARK: Names

    private func fault(_ node: YAMLNode) throws(ScenarioError) -> String {
        let id = try node.string()
        guard faults.contains(where: { $0.id == id }) else {
            throw node.error(
                "no fault with id '\(id)'; declared: \(faults.map(\.id).joined(separator: ", "))",
                suggestion: YAMLNode.closest(to: id, in: faults.map(\.id)).map { "did you mean '\($0)'?" }
            )
        }
        return id
    }

    private func event(_ node: YAMLNode) throws(ScenarioError) -> EventAssertion.Event {
        let name = try node.string()
        guard let event = EventAssertion.Event(rawValue: name) else {
            let allowed = EventAssertion.Event.allCases.map(\.rawValue)
            throw node.error(
                "unknown event '\(name)'; allowed: \(allowed.joined(separator: ", "))",
                suggestion: YAMLNode.closest(to: name, in: allowed).map { "did you mean '\($0)'?" }
            )
        }
        return event
    }

    private func service(_ node: YAMLNode) throws(ScenarioError) -> String {
        let service = try node.string()
        guard Self.services.contains(service) else {
            throw node.error(
                "unknown service '\(service)'; allowed: \(Self.services.joined(separator: ", "))",
                suggestion: YAMLNode.closest(to: service, in: Self.services).map { "did you mean '\($0)'?" }
            )
        }
        return service
    }

    /// A provider the scenario registers.
    private func provider(_ node: YAMLNode) throws(ScenarioError) -> String {
        let id = try ScenarioLoader.providerID(node)
        guard system.providers.contains(where: { $0.descriptor.id == id }) else { throw node.error("'\(id)' is not a registered provider") }
        return id.rawValue
    }

    /// `before:`, `during:` or `after:` a declared fault, and `within:` for the first and the last.
    private func scope(_ body: YAMLNode) throws(ScenarioError) -> Scope? {
        var found: Scope?
        for phase in Scope.Phase.allCases {
            guard let node = try body.optional(phase.rawValue) else { continue }
            if let found { throw node.error("a check has one phase; this one has \(found.phase.rawValue) already") }
            found = Scope(phase, fault: try fault(node))
        }
        if let within = try body.optional("within") {
            guard let phase = found?.phase, phase != .during else { throw within.error("within: limits before: or after: a fault") }
            found?.within = try within.duration()
        }
        return found
    }
}
