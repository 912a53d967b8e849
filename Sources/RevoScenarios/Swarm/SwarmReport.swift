/// What a swarm run found: seeds run, failures by property with their shrunk scenarios, what each fault kind
/// exercised and broke, the seeds whose liveness could not be judged, and the speed.
public struct SwarmReport: Sendable, Codable, Equatable {
    public struct Count: Sendable, Codable, Equatable {
        public var name: String
        public var seeds: Int
    }

    /// A failing seed: its violations, the command that reruns it, and the scenario it shrank to.
    public struct Failure: Sendable, Codable, Equatable {
        public var seed: UInt64
        public var space: String
        public var violations: [SwarmRunner.Violation]
        /// The drawn scenario as it ran (before shrinking).
        public var file: String?
        public var reproduce: String
        public var shrunk: Shrunk?
    }

    public struct Shrunk: Sendable, Codable, Equatable {
        public var property: SwarmProperty
        public var file: String
        public var reproduce: String
        public var faults: Int
        public var durationSeconds: Int
        public var rate: Double
        public var tried: Int
        public var kept: Int
        /// The shrinking budget ran out first: a smaller failing scenario may exist.
        public var cutShort: Bool
    }

    /// One fault kind at one kind of target: on how many seeds it was on, and how many of those failed each property.
    public struct FaultRow: Sendable, Codable, Equatable {
        public var group: String
        public var seeds: Int
        public var failures: [Count]
    }

    public struct Unrecoverable: Sendable, Codable, Equatable {
        public var seed: UInt64
        public var reason: String
    }

    public var revo: String
    public var spaces: [String]
    /// The seeds asked for: `from`, `count`, and the shard this machine ran.
    public var from: UInt64
    public var count: Int
    public var shard: String?
    public var seedsRun: Int
    public var failed: Int
    /// Seeds not started because the time budget ran out.
    public var notRun: Int
    public var requests: Int
    public var failuresByProperty: [Count]
    public var failures: [Failure]
    public var faultKinds: [FaultRow]
    public var unrecoverable: [Unrecoverable]
    public var wallSeconds: Double
    public var seedsPerMinute: Double

    public var passed: Bool { failed == 0 }
}

extension SwarmReport {
    /// The table of fault kinds against properties, from every seed's outcome.
    static func faultRows(_ outcomes: [SwarmRunner.Outcome]) -> [FaultRow] {
        var groups: [String] = []
        for outcome in outcomes {
            for fault in outcome.plan.faults where !groups.contains(fault.group) { groups.append(fault.group) }
        }
        return groups.sorted().map { group in
            let on = outcomes.filter { $0.plan.faults.contains { $0.group == group } }
            let failures = SwarmProperty.allCases.compactMap { property -> Count? in
                let seeds = on.filter { $0.violates(property) }.count
                return seeds > 0 ? Count(name: property.rawValue, seeds: seeds) : nil
            }
            return FaultRow(group: group, seeds: on.count, failures: failures)
        }
    }

    static func byProperty(_ outcomes: [SwarmRunner.Outcome]) -> [Count] {
        SwarmProperty.allCases.compactMap { property in
            let seeds = outcomes.filter { $0.violates(property) }.count
            return seeds > 0 ? Count(name: property.rawValue, seeds: seeds) : nil
        }
    }
}

extension SwarmReport {
    /// The shards of one swarm as one report: counts added, failures in seed order, fault rows summed by kind. The
    /// shards ran side by side, so the wall time is the longest shard's.
    public static func merge(_ shards: [SwarmReport]) -> SwarmReport {
        func sum(_ counts: [[Count]]) -> [Count] {
            var names: [String] = []
            for count in counts.joined() where !names.contains(count.name) { names.append(count.name) }
            return names.map { name in Count(name: name, seeds: counts.joined().filter { $0.name == name }.reduce(0) { $0 + $1.seeds }) }
        }
        let groups = Set(shards.flatMap { $0.faultKinds.map(\.group) }).sorted()
        let wall = shards.map(\.wallSeconds).max() ?? 0
        let seedsRun = shards.reduce(0) { $0 + $1.seedsRun }
        let ordered = SwarmProperty.allCases.map(\.rawValue)
        return SwarmReport(
            revo: shards.first?.revo ?? "",
            spaces: shards.flatMap(\.spaces).reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
            from: shards.map(\.from).min() ?? 0,
            count: shards.first?.count ?? 0,
            shard: nil,
            seedsRun: seedsRun,
            failed: shards.reduce(0) { $0 + $1.failed },
            notRun: shards.reduce(0) { $0 + $1.notRun },
            requests: shards.reduce(0) { $0 + $1.requests },
            failuresByProperty: sum(shards.map(\.failuresByProperty)).sorted {
                (ordered.firstIndex(of: $0.name) ?? 0) < (ordered.firstIndex(of: $1.name) ?? 0)
            },
            failures: shards.flatMap(\.failures).sorted { ($0.seed, $0.space) < ($1.seed, $1.space) },
            faultKinds: groups.map { group in
                let rows = shards.compactMap { $0.faultKinds.first { $0.group == group } }
                return FaultRow(group: group, seeds: rows.reduce(0) { $0 + $1.seeds }, failures: sum(rows.map(\.failures)))
            },
            unrecoverable: shards.flatMap(\.unrecoverable).sorted { $0.seed < $1.seed },
            wallSeconds: wall,
            seedsPerMinute: wall > 0 ? Double(seedsRun) * 60 / wall : 0
        )
    }
}
