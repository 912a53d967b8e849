import Foundation
public import RevoCore
import RevoSim
import Yams

/// Reads scenario files strictly: unknown keys, wrong types and impossible values are rejected with
/// `file:line:column`, the field path and, for misspelt keys, the key that was probably meant.
public enum ScenarioLoader {
    /// Loads one file.
    public static func load(file path: String) throws(ScenarioError) -> Scenario {
        try parse(try read(path), file: path)
    }

    /// The text of a scenario or swarm space file.
    static func read(_ path: String) throws(ScenarioError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError(file: path, line: nil, column: nil, path: "", message: "cannot read the file: \(error.localizedDescription)")
        }
    }

    /// `250ms`, `30s`, `5m`, `3m30s`: a duration as scenario files write them; nil when it is not one.
    public static func duration(_ text: String) -> Duration? {
        YAMLNode.parseDuration(text.trimmingCharacters(in: .whitespaces))
    }

    /// Every `.yaml` / `.yml` file under the given files and folders, sorted, so runs list them the same way everywhere.
    public static func scenarioFiles(in paths: [String]) throws(ScenarioError) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ScenarioError(file: path, line: nil, column: nil, path: "", message: "no such file or folder")
            }
            if isDirectory.boolValue {
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += entries.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map {
                    (path as NSString).appendingPathComponent($0)
                }
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// Parses scenario YAML; `file` is only used in messages.
    public static func parse(_ text: String, file: String) throws(ScenarioError) -> Scenario {
        let root = try compose(text, file: file)
        let scenario = try scenario(root, file: file)
        try root.finish(allowed: ["name", "description", "seed", "duration", "mode", "machine", "system", "workload", "faults", "checks"])
        return scenario
    }

    /// The document's root, or an error naming what is not valid YAML and where.
    static func compose(_ text: String, file: String) throws(ScenarioError) -> YAMLNode {
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                throw ScenarioError(file: file, line: 1, column: 1, path: "", message: "the file is empty")
            }
            node = composed
        } catch let error as ScenarioError {
            throw error
        } catch let error as YamlError {
            throw Self.describe(error, file: file)
        } catch {
            throw ScenarioError(file: file, line: nil, column: nil, path: "", message: "not valid YAML: \(error)")
        }
        return YAMLNode(node, path: "", file: file)
    }

    private static func describe(_ error: YamlError, file: String) -> ScenarioError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let detail = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return ScenarioError(file: file, line: mark.line, column: mark.column, path: "", message: "not valid YAML: \(detail)")
        default:
            return ScenarioError(file: file, line: nil, column: nil, path: "", message: "not valid YAML: \(error)")
        }
    }

    // MARK: Sections

    private static func scenario(_ root: YAMLNode, file: String) throws(ScenarioError) -> Scenario {
        _ = try root.requireMapping()
        let nameNode = try root.required("name")
        let name = try nameNode.string()
        guard name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }) else {
            throw nameNode.error("must be lower-case letters, digits and dashes (it names the report), got '\(name)'")
        }
        let description = try root.required("description").string()
        let seed = try root.optional("seed").map { node throws(ScenarioError) in UInt64(try node.int(in: 0...Int.max)) } ?? 1
        let duration = try root.required("duration").duration()
        guard duration > .zero else { throw try root.required("duration").error("must be more than 0") }
        let machine = try root.optional("machine").map { node throws(ScenarioError) in try self.machine(node) } ?? Self.defaultMachine
        let system = try self.system(try root.optional("system"))
        let workload = try self.workload(try root.required("workload"))
        let faults = try root.optional("faults").map { node throws(ScenarioError) in try self.faults(node, system: system, duration: duration) } ?? []
        let checks =
            try root.optional("checks").map { node throws(ScenarioError) in try CheckReader(faults: faults, system: system).checks(node) } ?? []
        var liveOnly = false
        if let mode = try root.optional("mode") {
            switch try mode.string() {
            case "live": liveOnly = true
            case "any": liveOnly = false
            case let other: throw mode.error("unknown mode '\(other)'; allowed: any (the default: sim and live), live (needs a real server)")
            }
        }
        var scenario = Scenario(
            name: name,
            description: description,
            seed: seed,
            duration: duration,
            machine: machine,
            system: system,
            workload: workload,
            faults: faults,
            checks: checks,
            file: file
        )
        scenario.liveOnly = liveOnly
        return scenario
    }

    /// 64 GB of RAM (48 available), one 24 GB GPU, 16 cores, every library: room for every model.
    public static let defaultMachine = MachineResources(
        totalRAM: .gigabytes(64),
        availableRAM: .gigabytes(48),
        gpus: [.init(name: "gpu0", totalMemory: .gigabytes(24), availableMemory: .gigabytes(24))],
        cpuCores: 16,
        nativeLibraries: ["cuda", "torch", "transformers"]
    )

    private static func machine(_ node: YAMLNode) throws(ScenarioError) -> MachineResources {
        let ram = try node.optional("ram")?.bytes() ?? defaultMachine.totalRAM
        let available = try node.optional("available_ram")?.bytes() ?? ram
        guard available <= ram else { throw try node.required("available_ram").error("must not exceed ram (\(ram))") }
        var gpus: [MachineResources.GPU] = []
        if let gpuNode = try node.optional("gpu") {
            let total = try gpuNode.bytes()
            let free = try node.optional("gpu_available")?.bytes() ?? total
            gpus = [.init(name: "gpu0", totalMemory: total, availableMemory: free)]
        }
        let cores = try node.optional("cpu_cores")?.int(in: 1...1024) ?? 16
        let libraries =
            try node.optional("libraries").map { list throws(ScenarioError) in
                try list.sequence().map { item throws(ScenarioError) in try item.string() }
            } ?? []
        try node.finish()
        return MachineResources(totalRAM: ram, availableRAM: available, gpus: gpus, cpuCores: cores, nativeLibraries: libraries)
    }

    static let knownProviders: [ProviderID] = [.deepseekR1, .llamaLocal, .openai, .anthropic, .mock]

    static func system(_ node: YAMLNode?) throws(ScenarioError) -> SystemSpec {
        var keys: [ProviderID] = [.openai, .anthropic]
        if let node, let keyNode = try node.optional("api_keys") {
            keys = try keyNode.sequence().map { item throws(ScenarioError) in try providerID(item) }
        }
        var ids = knownProviders
        if let node, let list = try node.optional("providers") {
            ids = try list.sequence().map { item throws(ScenarioError) in try providerID(item) }
        }
        var profiles = ids.map { ProviderProfile.defaults(for: $0, hasKey: keys.contains($0))! }
        var spec = SystemSpec(providers: [], routing: RoutingPolicy())
        if let node {
            spec.routing = try routing(node, registered: ids)
            try readReplies(node, into: &spec)
            try readServer(node, into: &spec)
            try readDependencies(node, into: &spec)
            if let overrides = try node.optional("profiles") {
                for (key, value, keyNode) in try overrides.entries() {
                    guard let index = profiles.firstIndex(where: { $0.descriptor.id.rawValue == key }) else {
                        throw keyNode.error("no registered provider '\(key)'; registered: \(ids.map(\.rawValue).joined(separator: ", "))")
                    }
                    profiles[index] = try profile(value, base: profiles[index])
                }
            }
            try node.finish()
        }
        spec.providers = profiles
        return spec
    }

    /// The chain, the mock's place, fallbacks, deadlines, retries, breakers and the cost cap.
    private static func routing(_ node: YAMLNode, registered ids: [ProviderID]) throws(ScenarioError) -> RoutingPolicy {
        var routing = RoutingPolicy()
        if let chain = try node.optional("chain") {
            routing.chain = try chain.sequence().map { item throws(ScenarioError) in
                let id = try providerID(item)
                guard ids.contains(id) else {
                    throw item.error("'\(id)' is not among the registered providers: \(ids.map(\.rawValue).joined(separator: ", "))")
                }
                return id
            }
        }
        routing.mockEnabled = try node.optional("mock_enabled")?.bool() ?? true
        routing.mockLast = try node.optional("mock_last")?.bool() ?? true
        routing.maxFallbacks = try node.optional("max_fallbacks")?.int(in: 0...10) ?? routing.maxFallbacks
        routing.requestDeadline = try node.optional("request_deadline")?.duration(max: .seconds(600)) ?? routing.requestDeadline
        routing.attemptTimeout = try node.optional("attempt_timeout")?.duration(max: .seconds(600)) ?? routing.attemptTimeout
        if let retry = try node.optional("retry") {
            routing.retry.serverErrorRetries = try retry.optional("server_errors")?.int(in: 0...10) ?? routing.retry.serverErrorRetries
            routing.retry.rateLimitRetries = try retry.optional("rate_limits")?.int(in: 0...10) ?? routing.retry.rateLimitRetries
            routing.retry.maxRetryAfter = try retry.optional("max_retry_after")?.duration(max: .seconds(3600)) ?? routing.retry.maxRetryAfter
            routing.retry.maxTotalRetryAfterWait =
                try retry.optional("max_total_retry_after")?.duration(max: .seconds(3600)) ?? routing.retry.maxTotalRetryAfterWait
            try retry.finish()
        }
        if let breaker = try node.optional("breaker") { routing.breaker = try self.breaker(breaker, base: routing.breaker) }
        if let cap = try node.optional("daily_cost_cap") { routing.cost.dailyCapUSD = try cap.double(in: 0...1_000_000) }
        return routing
    }

    private static func breaker(_ breaker: YAMLNode, base: BreakerSettings) throws(ScenarioError) -> BreakerSettings {
        var policy = base
        policy.enabled = try breaker.optional("enabled")?.bool() ?? true
        policy.window = try breaker.optional("window")?.duration() ?? policy.window
        policy.minimumRequests = try breaker.optional("minimum_requests")?.int(in: 1...10_000) ?? policy.minimumRequests
        policy.failureRateThreshold = try breaker.optional("failure_rate")?.double(in: 0.01...1) ?? policy.failureRateThreshold
        policy.cooldown = try breaker.optional("cooldown")?.duration() ?? policy.cooldown
        policy.halfOpenProbes = try breaker.optional("half_open_probes")?.int(in: 1...10_000) ?? policy.halfOpenProbes
        policy.consecutiveFailures = try breaker.optional("consecutive_failures")?.int(in: 0...10_000) ?? policy.consecutiveFailures
        try breaker.finish()
        return policy
    }

    /// `reply_cache` (true, false, or how long an answer stays fresh: on, with that TTL) and `stale_replies`.
    private static func readReplies(_ node: YAMLNode, into spec: inout SystemSpec) throws(ScenarioError) {
        if let cache = try node.optional("reply_cache") {
            if YAMLNode.parseDuration(try cache.scalar()) != nil {
                let fresh = try cache.duration(max: .seconds(86_400))
                guard fresh > .zero else { throw cache.error("a reply cache TTL must be more than 0 (false turns the cache off)") }
                spec.replyCache = true
                spec.replyCacheTTL = fresh
            } else if let on = try? cache.bool() {
                spec.replyCache = on
            } else {
                throw cache.error("expected true, false or how long a reply stays fresh such as 30s, got '\(try cache.scalar())'")
            }
        }
        spec.staleReplies = try node.optional("stale_replies")?.bool() ?? true
    }

    /// The server's origins, rate limit and token lifetime, and the test-only switches (outbox, planted bug).
    private static func readServer(_ node: YAMLNode, into spec: inout SystemSpec) throws(ScenarioError) {
        if let origins = try node.optional("allowed_origins") {
            spec.allowedOrigins = try origins.sequence().map { item throws(ScenarioError) in
                let origin = try item.string()
                guard origin != "*", origin.hasPrefix("http://") || origin.hasPrefix("https://") else {
                    throw item.error("must be a full origin such as http://localhost:3000, got '\(origin)' (never *)")
                }
                return origin
            }
        }
        if let limit = try node.optional("rate_limit") {
            let perSecond = try limit.rate()
            guard perSecond * 60 >= 1, perSecond * 60 <= 1_000_000 else {
                throw limit.error("must be between 1/m and 1000000/m requests per client")
            }
            spec.rateLimit = Int((perSecond * 60).rounded())
        }
        if let lifetime = try node.optional("access_token_lifetime") {
            spec.accessTokenLifetime = try lifetime.duration(max: .seconds(86_400))
            guard spec.accessTokenLifetime >= .seconds(30) else {
                throw lifetime.error("must be at least 30s (clients refresh 10 s before expiry)")
            }
        }
        spec.outboxEnabled = try node.optional("outbox")?.bool() ?? true
        if let planted = try node.optional("planted_bug") {
            let name = try planted.string()
            guard let bug = SystemSpec.PlantedBug(rawValue: name) else {
                throw planted.error(
                    "unknown planted bug '\(name)'; allowed: \(SystemSpec.PlantedBug.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            spec.plantedBug = bug
        }
    }

    /// The dependencies' latencies and timeouts, and Parallel Mind's pool.
    private static func readDependencies(_ node: YAMLNode, into spec: inout SystemSpec) throws(ScenarioError) {
        if let latencies = try node.optional("latency") {
            spec.databaseLatency = try latencies.optional("database")?.duration(max: .seconds(60)) ?? spec.databaseLatency
            spec.cacheLatency = try latencies.optional("cache")?.duration(max: .seconds(60)) ?? spec.cacheLatency
            spec.memoryLatency = try latencies.optional("memory")?.duration(max: .seconds(60)) ?? spec.memoryLatency
            try latencies.finish()
        }
        if let pool = try node.optional("parallel_mind") {
            let minimum = try pool.optional("min_workers")?.int(in: 1...1_000) ?? spec.parallelMind.minWorkers
            let maximum = try pool.optional("max_workers")?.int(in: 1...1_000) ?? spec.parallelMind.maxWorkers
            guard minimum <= maximum else { throw try pool.required("max_workers").error("must be at least min_workers (\(minimum))") }
            spec.parallelMind.minWorkers = minimum
            spec.parallelMind.maxWorkers = maximum
            try pool.finish()
        }
        if let timeouts = try node.optional("timeouts") {
            spec.databaseTimeout = try timeouts.optional("database")?.duration(max: .seconds(600)) ?? spec.databaseTimeout
            spec.cacheTimeout = try timeouts.optional("cache")?.duration(max: .seconds(600)) ?? spec.cacheTimeout
            try timeouts.finish()
        }
    }

    private static func profile(_ node: YAMLNode, base: ProviderProfile) throws(ScenarioError) -> ProviderProfile {
        var profile = base
        profile.timeToFirstToken = try node.optional("ttft")?.duration(max: .seconds(600)) ?? profile.timeToFirstToken
        profile.interTokenLatency = try node.optional("inter_token")?.duration(max: .seconds(60)) ?? profile.interTokenLatency
        profile.loadTime = try node.optional("load_time")?.duration() ?? profile.loadTime
        profile.concurrencySlots = try node.optional("slots")?.int(in: 1...100_000) ?? profile.concurrencySlots
        profile.outputTokens = try node.optional("output_tokens")?.int(in: 1...100_000) ?? profile.outputTokens
        profile.spread = try node.optional("spread")?.double(in: 0...0.99) ?? profile.spread
        if let window = try node.optional("context_window") { profile.descriptor.contextWindow = try window.int(in: 1...10_000_000) }
        profile.servedContext = try node.optional("served_context")?.int(in: 1...10_000_000) ?? profile.servedContext
        if let ram = try node.optional("ram") { profile.descriptor.footprint.ram = try ram.bytes() }
        if let gpu = try node.optional("gpu") { profile.descriptor.footprint.gpuMemory = try gpu.bytes() }
        try node.finish()
        return profile
    }

    static func providerID(_ node: YAMLNode) throws(ScenarioError) -> ProviderID {
        let name = try node.string()
        guard let id = knownProviders.first(where: { $0.rawValue == name }) else {
            throw node.error(
                "unknown provider '\(name)'; allowed: \(knownProviders.map(\.rawValue).joined(separator: ", "))",
                suggestion: YAMLNode.closest(to: name, in: knownProviders.map(\.rawValue)).map { "did you mean '\($0)'?" }
            )
        }
        return id
    }

    static func workload(_ node: YAMLNode) throws(ScenarioError) -> Workload {
        var workload = Workload(rate: try node.required("rate").rate())
        workload.rampTo = try node.optional("ramp_to")?.rate()
        if let arrival = try node.optional("arrival") {
            let name = try arrival.string()
            guard let value = Workload.Arrival(rawValue: name) else {
                throw arrival.error("unknown arrival '\(name)'; allowed: \(Workload.Arrival.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            workload.arrival = value
        }
        if let mix = try node.optional("mix") {
            var weights: [(operation: Workload.Operation, weight: Int)] = []
            for (key, value, keyNode) in try mix.entries() {
                guard let operation = Workload.Operation(rawValue: key), Workload.Operation.mixable.contains(operation) else {
                    if key == Workload.Operation.refresh.rawValue {
                        throw keyNode.error(
                            "refresh is not drawn from the mix: clients refresh when their access token expires (system.access_token_lifetime)"
                        )
                    }
                    let allowed = Workload.Operation.mixable.map(\.rawValue)
                    throw keyNode.error(
                        "unknown operation '\(key)'; allowed: \(allowed.joined(separator: ", "))",
                        suggestion: YAMLNode.closest(to: key, in: allowed).map { "did you mean '\($0)'?" }
                    )
                }
                weights.append((operation, try value.int(in: 0...1_000_000)))
            }
            guard weights.contains(where: { $0.weight > 0 }) else { throw mix.error("at least one operation needs a weight above 0") }
            workload.mix = weights.sorted { $0.operation < $1.operation }
        }
        if let bursts = try node.optional("bursts") {
            workload.bursts = try bursts.sequence().map { item throws(ScenarioError) in
                let burst = Workload.Burst(
                    at: try item.required("at").duration(),
                    requests: try item.required("requests").int(in: 1...1_000_000),
                    over: try item.optional("over")?.duration() ?? .seconds(1),
                    operation: try item.optional("operation").map { op throws(ScenarioError) in
                        let name = try op.string()
                        guard let value = Workload.Operation(rawValue: name), Workload.Operation.mixable.contains(value) else {
                            throw op.error(
                                "unknown operation '\(name)'; allowed: \(Workload.Operation.mixable.map(\.rawValue).joined(separator: ", "))"
                            )
                        }
                        return value
                    }
                )
                try item.finish()
                return burst
            }
        }
        workload.promptWords = try node.optional("prompt_words")?.int(in: 1...8_000) ?? workload.promptWords
        workload.maxTokens = try node.optional("max_tokens")?.int(in: ChatRequest.maxTokensRange) ?? workload.maxTokens
        workload.sessions = try node.optional("sessions")?.int(in: 1...100_000) ?? workload.sessions
        if let websocket = try node.optional("websocket") {
            workload.websocketMessages = try websocket.optional("messages")?.int(in: 1...1_000) ?? workload.websocketMessages
            workload.websocketMessageIDs = try websocket.optional("message_ids")?.bool() ?? workload.websocketMessageIDs
            workload.websocketCancels = try websocket.optional("cancels")?.double(in: 0...1) ?? workload.websocketCancels
            try websocket.finish()
        }
        workload.clients = try node.optional("clients")?.int(in: 1...100_000) ?? workload.clients
        workload.distinctPrompts = try node.optional("distinct_prompts")?.int(in: 1...1_000_000) ?? workload.distinctPrompts
        if let bad = try node.optional("bad_input") {
            if case .scalar = bad.node {
                workload.badInput = try bad.double(in: 0...1)
            } else {
                workload.badInput = try bad.required("share").double(in: 0...1)
                if let excluded = try bad.optional("except") {
                    let names = try kinds(excluded)
                    workload.badInputKinds = BadInput.allCases.filter { !names.contains($0) }
                    guard !workload.badInputKinds.isEmpty else { throw excluded.error("leaves no kind of bad input") }
                }
                if let kinds = try bad.optional("kinds") {
                    workload.badInputKinds = try self.kinds(kinds)
                    guard !workload.badInputKinds.isEmpty else { throw kinds.error("name at least one kind of bad input") }
                }
                try bad.finish()
            }
        }
        if let tasks = try node.optional("engine_tasks") {
            switch try tasks.string() {
            case "mixed": workload.enterpriseEngineTasksOnly = false
            case "enterprise": workload.enterpriseEngineTasksOnly = true
            case let other: throw tasks.error("unknown engine task kind '\(other)'; allowed: mixed, enterprise")
            }
        }
        try node.finish()
        return workload
    }

    private static func kinds(_ list: YAMLNode) throws(ScenarioError) -> [BadInput] {
        try list.sequence().map { item throws(ScenarioError) in
            let name = try item.string()
            guard let kind = BadInput(rawValue: name) else {
                let allowed = BadInput.allCases.map(\.rawValue)
                throw item.error(
                    "unknown bad input '\(name)'; allowed: \(allowed.joined(separator: ", "))",
                    suggestion: YAMLNode.closest(to: name, in: allowed).map { "did you mean '\($0)'?" }
                )
            }
            return kind
        }
    }

    static let faultTargets = ["database", "cache", "memory", "machine", "websocket", "provider:<name>"]

    static let invariants = [
        "no_lost_writes", "no_duplicate_messages", "streams_consistent", "errors_well_formed", "history_consistent", "answered_by_deadline",
    ]

    /// The kinds of check besides a threshold string.
    static let checkKinds = ["health", "recovers", "reachable", "sometimes", "never", "invariant", "scaling", "probe", "browser"]

    static let faultKinds = [
        "outage", "latency", "timeout", "error_rate", "rate_limit", "server_error", "content_policy", "disconnect", "stream_stall",
        "stream_error_event", "stream_malformed_event", "oom_on_load",
        "missing_library", "gpu_taken", "ram_taken",
    ]

    private static func faults(_ node: YAMLNode, system: SystemSpec, duration: Duration) throws(ScenarioError) -> [FaultSpec] {
        var faults: [FaultSpec] = []
        for (index, item) in try node.sequence().enumerated() {
            let id = try item.optional("id")?.string() ?? "fault-\(index + 1)"
            if faults.contains(where: { $0.id == id }) { throw try item.required("id").error("duplicate fault id '\(id)'") }
            let whatNode = try item.required("what")
            let what = try whatNode.string()
            let whereNode = try item.required("where")
            let target = try self.target(whereNode, system: system)
            let kind: FaultSpec.Kind
            switch what {
            case "outage": kind = .outage(code: try item.optional("code")?.string())
            case "latency": kind = .latency(try item.required("latency").duration(max: .seconds(3600)))
            case "timeout": kind = .timeout
            case "error_rate": kind = .errorRate(try item.required("rate").double(in: 0...1), code: try item.optional("code")?.string())
            case "rate_limit": kind = .rateLimit(retryAfter: try item.optional("retry_after")?.duration(max: .seconds(86_400)))
            case "server_error": kind = .serverError(status: try item.optional("status")?.int(in: 500...599) ?? 503)
            case "content_policy": kind = .contentPolicy
            case "disconnect": kind = .disconnect(afterTokens: try item.required("after_tokens").int(in: 0...100_000))
            case "stream_stall": kind = .stall(afterTokens: try item.required("after_tokens").int(in: 0...100_000))
            case "stream_error_event", "stream_malformed_event":
                let form: StreamFault.Form = what == "stream_error_event" ? .errorEvent : .malformedEvent
                kind = .streamFault(form, afterTokens: try item.required("after_tokens").int(in: 0...100_000))
            case "oom_on_load": kind = .oomOnLoad
            case "missing_library": kind = .missingLibrary(try item.required("library").string())
            case "gpu_taken": kind = .gpuTaken(try item.required("amount").bytes())
            case "ram_taken": kind = .ramTaken(try item.required("amount").bytes())
            default:
                throw whatNode.error(
                    "unknown fault '\(what)'; allowed: \(faultKinds.joined(separator: ", "))",
                    suggestion: YAMLNode.closest(to: what, in: faultKinds).map { "did you mean '\($0)'?" }
                )
            }
            try check(what, at: target, node: whereNode)
            let at = try item.optional("at")?.duration() ?? .zero
            guard at < duration else {
                throw try item.required("at").error("starts at \(at.formattedSeconds), after the scenario ends (\(duration.formattedSeconds))")
            }
            faults.append(
                FaultSpec(
                    id: id,
                    kind: kind,
                    target: target,
                    at: at,
                    duration: try item.optional("for")?.duration(),
                    every: try item.optional("every")?.duration(),
                    firstN: try item.optional("first")?.int(in: 1...10_000_000),
                    probability: try item.optional("probability")?.double(in: 0...1) ?? 1,
                    operations: try item.optional("operations").map { list throws(ScenarioError) in
                        try list.sequence().map { op throws(ScenarioError) in try op.string() }
                    } ?? []
                )
            )
            try item.finish()
        }
        return faults
    }

    /// Fails when a fault of kind `what` cannot happen at `target` (a 429 comes from a provider, not the cache).
    static func check(_ what: String, at target: FaultSpec.Target, node: YAMLNode) throws(ScenarioError) {
        let machineKinds = ["missing_library", "gpu_taken", "ram_taken"]
        let providerKinds = [
            "rate_limit", "server_error", "content_policy", "oom_on_load", "stream_stall", "stream_error_event", "stream_malformed_event",
        ]
        if what == "disconnect", target != .websocket, !target.isProvider {
            throw node.error("a disconnect cuts a stream: use 'where: websocket' or 'where: provider:<name>'")
        }
        if machineKinds.contains(what), target != .machine {
            throw node.error("a \(what) fault happens on the machine: use 'where: machine'")
        }
        if providerKinds.contains(what), !target.isProvider {
            throw node.error("a \(what) fault happens at a model provider: use 'where: provider:<name>'")
        }
    }

    static func target(_ node: YAMLNode, system: SystemSpec) throws(ScenarioError) -> FaultSpec.Target {
        let text = try node.string()
        switch text {
        case "database": return .database
        case "cache": return .cache
        case "memory": return .memory
        case "machine": return .machine
        case "websocket": return .websocket
        default:
            if text.hasPrefix("provider:") {
                let name = String(text.dropFirst("provider:".count))
                guard let profile = system.providers.first(where: { $0.descriptor.id.rawValue == name }) else {
                    throw node.error(
                        "no registered provider '\(name)'; registered: \(system.providers.map(\.descriptor.id.rawValue).joined(separator: ", "))"
                    )
                }
                return .provider(profile.descriptor.id)
            }
            let allowed = faultTargets
            throw node.error(
                "unknown fault target '\(text)'; allowed: \(allowed.joined(separator: ", "))",
                suggestion: YAMLNode.closest(to: text, in: allowed).map { "did you mean '\($0)'?" }
            )
        }
    }

    /// `probe: {name, request: "METHOD /path", origin?, token?, websocket?, headers?, body?, expect: {status?, headers?,
    /// absent_headers?, body_contains?}}`.
    static func probe(_ body: YAMLNode) throws(ScenarioError) -> Probe {
        let requestNode = try body.required("request")
        let request = try requestNode.string().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]
        guard request.count == 2, methods.contains(request[0]), request[1].hasPrefix("/") else {
            throw requestNode.error("must be 'METHOD /path' with METHOD one of \(methods.joined(separator: ", ")), got '\(try requestNode.string())'")
        }
        func headers(_ node: YAMLNode?) throws(ScenarioError) -> [Probe.Header] {
            guard let node else { return [] }
            return try node.entries().map { entry throws(ScenarioError) in Probe.Header(name: entry.key.lowercased(), value: try entry.value.scalar())
            }
        }
        func strings(_ node: YAMLNode?) throws(ScenarioError) -> [String] {
            guard let node else { return [] }
            if case .scalar = node.node { return [try node.string()] }
            return try node.sequence().map { item throws(ScenarioError) in try item.string() }
        }
        let tokenNode = try body.optional("token")
        let token = try tokenNode.map { node throws(ScenarioError) -> Probe.Token in
            let text = try node.string()
            guard let token = Probe.Token(rawValue: text) else {
                throw node.error("unknown token '\(text)'; allowed: \(Probe.Token.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return token
        }
        let expect = try body.required("expect")
        let probe = Probe(
            name: try body.required("name").string(),
            method: request[0],
            path: request[1],
            origin: try body.optional("origin")?.string(),
            token: token ?? .none,
            websocket: try body.optional("websocket")?.bool() ?? false,
            headers: try headers(try body.optional("headers")),
            body: try body.optional("body")?.string(),
            expectStatus: try expect.optional("status")?.int(in: 100...599),
            expectHeaders: try headers(try expect.optional("headers")),
            expectAbsent: try strings(try expect.optional("absent_headers")).map { $0.lowercased() },
            expectBody: try strings(try expect.optional("body_contains")),
            expectCloseCode: try expect.optional("close_code")?.int(in: 1000...4999)
        )
        try expect.finish()
        try body.finish()
        return probe
    }
}
