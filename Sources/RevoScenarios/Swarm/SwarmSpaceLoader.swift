import Foundation
import RevoCore
import Yams

/// Reads swarm spaces (`Scenarios/swarm/*.yaml`) as strictly as scenarios: every error names the file, line, column
/// and field, and the `system:` section is validated exactly as a scenario's.
public enum SwarmSpaceLoader {
    /// Fault kinds a swarm may draw, with the targets each may hit.
    static let kinds = [
        "outage", "timeout", "latency", "error_rate", "rate_limit", "server_error", "disconnect", "stream_stall", "stream_error_event",
        "stream_malformed_event", "oom_on_load",
    ]

    public static func load(file path: String) throws(ScenarioError) -> SwarmSpace {
        try parse(try ScenarioLoader.read(path), file: path)
    }

    public static func parse(_ text: String, file: String) throws(ScenarioError) -> SwarmSpace {
        let root = try ScenarioLoader.compose(text, file: file)
        let systemNode = try root.optional("system")
        let system = try ScenarioLoader.system(systemNode)
        let space = SwarmSpace(
            name: try root.required("name").string(),
            description: try root.optional("description")?.string() ?? "",
            file: file,
            duration: try secondsRange(try root.required("duration"), minimum: 30),
            rate: try range(try root.required("rate")) { node throws(ScenarioError) in try node.rate() },
            mix: try mix(try root.required("mix")),
            badInput: try root.optional("bad_input").map { node throws(ScenarioError) in
                try range(node) { value throws(ScenarioError) in try value.double(in: 0...0.5) }
            } ?? 0...0,
            system: try systemNode.map { node throws(ScenarioError) in try yaml(node) },
            systemSpec: system,
            faultKinds: try faultKinds(try root.required("faults"), system: system),
            maxFaults: try root.required("faults").optional("max")?.int(in: 1...20) ?? 4,
            permanent: try root.required("faults").optional("permanent")?.double(in: 0...1) ?? 0,
            recoverySeconds: Int(try root.required("recovery").duration(max: .seconds(3600)).seconds)
        )
        try root.required("faults").finish(allowed: ["max", "permanent", "kinds"])
        try root.finish(allowed: ["name", "description", "duration", "rate", "mix", "bad_input", "system", "faults", "recovery"])
        return space
    }

    /// A section as YAML lines, to be written into every drawn scenario.
    private static func yaml(_ node: YAMLNode) throws(ScenarioError) -> String {
        do {
            return try Yams.serialize(node: node.node).split(separator: "\n").filter { $0 != "..." && $0 != "---" }.joined(separator: "\n")
        } catch {
            throw node.error("cannot be written back as YAML: \(error)")
        }
    }

    /// A value, or `[low, high]`.
    static func range<T: Comparable>(_ node: YAMLNode, _ value: (YAMLNode) throws(ScenarioError) -> T) throws(ScenarioError) -> ClosedRange<T> {
        guard node.isSequence else {
            let single = try value(node)
            return single...single
        }
        let items = try node.sequence()
        guard items.count == 2 else { throw node.error("expected a value or [low, high], got a list of \(items.count)") }
        let low = try value(items[0])
        let high = try value(items[1])
        guard low <= high else { throw items[1].error("the upper bound is below the lower one") }
        return low...high
    }

    static func secondsRange(_ node: YAMLNode, minimum: Int = 1) throws(ScenarioError) -> ClosedRange<Int> {
        let seconds = try range(node) { value throws(ScenarioError) in Int(try value.duration(max: .seconds(86_400)).seconds.rounded()) }
        guard seconds.lowerBound >= minimum else { throw node.error("must be at least \(minimum)s") }
        return seconds
    }

    private static func mix(_ node: YAMLNode) throws(ScenarioError) -> [(operation: Workload.Operation, weight: Int)] {
        var weights: [(operation: Workload.Operation, weight: Int)] = []
        for (key, value, keyNode) in try node.entries() {
            let allowed = Workload.Operation.mixable.map(\.rawValue)
            guard let operation = Workload.Operation(rawValue: key), Workload.Operation.mixable.contains(operation) else {
                throw keyNode.error(
                    "unknown operation '\(key)'; allowed: \(allowed.joined(separator: ", "))",
                    suggestion: YAMLNode.closest(to: key, in: allowed).map { "did you mean '\($0)'?" }
                )
            }
            weights.append((operation, try value.int(in: 1...1_000_000)))
        }
        guard !weights.isEmpty else { throw node.error("name at least one operation") }
        return weights.sorted { $0.operation < $1.operation }
    }

    private static func faultKinds(_ node: YAMLNode, system: SystemSpec) throws(ScenarioError) -> [SwarmSpace.FaultKind] {
        try node.required("kinds").sequence().map { item throws(ScenarioError) in
            let whatNode = try item.required("what")
            let what = try whatNode.string()
            guard kinds.contains(what) else {
                throw whatNode.error(
                    "a swarm draws one of \(kinds.joined(separator: ", ")); got '\(what)'",
                    suggestion: YAMLNode.closest(to: what, in: kinds).map { "did you mean '\($0)'?" }
                )
            }
            let whereNode = try item.required("where")
            let targets = try (whereNode.isSequence ? whereNode.sequence() : [whereNode]).map { target throws(ScenarioError) in
                try ScenarioLoader.check(what, at: try ScenarioLoader.target(target, system: system), node: target)
                return try target.string()
            }
            let kind = SwarmSpace.FaultKind(
                what: what,
                targets: targets,
                weight: try item.optional("weight")?.int(in: 1...1_000) ?? 1,
                length: try secondsRange(try item.required("for")),
                latencyMilliseconds: try item.optional("latency").map { node throws(ScenarioError) in
                    try range(node) { value throws(ScenarioError) in Int(try value.duration(max: .seconds(600)).seconds * 1000) }
                },
                errorRate: try item.optional("rate").map { node throws(ScenarioError) in
                    try range(node) { value throws(ScenarioError) in try value.double(in: 0...1) }
                },
                retryAfterSeconds: try item.optional("retry_after").map { node throws(ScenarioError) in try secondsRange(node) },
                statuses: try item.optional("status").map { node throws(ScenarioError) in
                    try node.sequence().map { value throws(ScenarioError) in try value.int(in: 500...599) }
                } ?? [503],
                afterTokens: try item.optional("after_tokens").map { node throws(ScenarioError) in
                    try range(node) { value throws(ScenarioError) in try value.int(in: 0...10_000) }
                },
                codes: try item.optional("codes").map { node throws(ScenarioError) in
                    try node.sequence().map { value throws(ScenarioError) in try value.string() }
                } ?? []
            )
            if what == "latency", kind.latencyMilliseconds == nil { throw item.error("a latency fault needs 'latency: [low, high]'") }
            if what == "error_rate", kind.errorRate == nil { throw item.error("an error_rate fault needs 'rate: [low, high]'") }
            if what == "disconnect" || what.hasPrefix("stream_"), kind.afterTokens == nil {
                throw item.error("a \(what) fault needs 'after_tokens: [low, high]'")
            }
            try item.finish()
            return kind
        }
    }
}
