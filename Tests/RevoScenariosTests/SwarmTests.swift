import Foundation
import Testing

@testable import RevoCore
@testable import RevoScenarios

@Suite("revo swarm")
struct SwarmTests {
    static let spaces = GateCanFailTests.library.appendingPathComponent("swarm")

    static func ciSpace(planting bug: String? = nil) throws -> SwarmSpace {
        var text = try String(contentsOf: spaces.appendingPathComponent("ci.yaml"), encoding: .utf8)
        if let bug { text = text.replacingOccurrences(of: "  reply_cache: true\n", with: "  reply_cache: true\n  planted_bug: \(bug)\n") }
        return try SwarmSpaceLoader.parse(text, file: "ci.yaml")
    }

    @Test("the committed spaces load, and a seed draws the same plan every time, another seed another plan")
    func plansAreDeterministic() throws {
        for file in try ScenarioLoader.scenarioFiles(in: [Self.spaces.path]) {
            let space = try SwarmSpaceLoader.load(file: file)
            #expect(space.plan(seed: 7) == space.plan(seed: 7))
            #expect(space.plan(seed: 7) != space.plan(seed: 8))
            for seed in UInt64(1)...40 {
                let plan = space.plan(seed: seed)
                let scenario = try ScenarioLoader.parse(plan.scenarioYAML(name: "drawn", note: "test"), file: "drawn.yaml")
                #expect(scenario.faults.count == plan.faults.count)
                for fault in plan.faults {
                    #expect(
                        fault.atSeconds + (fault.lengthSeconds ?? 0) <= plan.durationSeconds - (fault.lengthSeconds == nil ? 0 : plan.recoverySeconds)
                    )
                }
            }
        }
    }

    @Test(
        "a broken space names the file, line, column and field",
        arguments: [
            ("what: outage", "what: outrage", "ci.yaml:15:", "did you mean 'outage'?"),
            (
                "where: [database, cache, memory], weight: 3", "where: [database, cash, memory], weight: 3", "ci.yaml:15:",
                "unknown fault target 'cash'"
            ),
            ("{what: rate_limit, where: [provider:openai", "{what: rate_limit, where: [cache", "ci.yaml:20:", "happens at a model provider"),
            ("recovery: 90s", "recovery: soon", "ci.yaml:27:", "expected a duration"),
            ("duration: [3m, 4m]", "duration: [4m, 3m]", "ci.yaml:5:", "the upper bound is below the lower one"),
            ("max: 4", "maximum: 4", "ci.yaml:12:", "unknown key 'maximum'"),
        ]
    )
    func badSpaces(original: String, broken: String, location: String, message: String) throws {
        let text = try String(contentsOf: Self.spaces.appendingPathComponent("ci.yaml"), encoding: .utf8)
        #expect(text.contains(original))
        let error = #expect(throws: ScenarioError.self) {
            try SwarmSpaceLoader.parse(text.replacingOccurrences(of: original, with: broken), file: "ci.yaml")
        }
        #expect(error?.description.contains(location) == true, "\(String(describing: error))")
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test("each shrinking step is simpler: a hang becomes slow, slow becomes an error rate, an error rate halves")
    func weakening() {
        var fault = SwarmPlan.Fault(id: "f1", what: "timeout", target: "cache", atSeconds: 10, lengthSeconds: 30)
        fault = Shrinker.weakened(fault)
        #expect(fault.what == "latency" && fault.latencyMilliseconds == 2_000)
        fault = Shrinker.weakened(fault)
        #expect(fault.latencyMilliseconds == 1_000)
        fault.latencyMilliseconds = 80
        fault = Shrinker.weakened(fault)
        #expect(fault.what == "error_rate" && fault.errorRate == 0.5 && fault.latencyMilliseconds == nil)
        fault = Shrinker.weakened(fault)
        #expect(fault.errorRate == 0.25)
    }

    /// A bug the library misses — memory writes queued while the cache is down are dropped — is found by the CI
    /// seed range and shrunk to a scenario of at most two faults that fails on its own, and passes without the bug.
    @Test("the swarm finds a planted bug the library misses and shrinks it to a small scenario that fails on its own")
    func findsAndShrinksAPlantedBug() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("revo-swarm-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var options = Swarm.Options()
        options.count = 200
        options.jobs = 2
        options.maxFailures = 1
        options.out = out
        let report = try Swarm(spaces: [try Self.ciSpace(planting: "outbox_drops_during_cache_outage")], options: options).run().report
        let failure = try #require(report.failures.first)
        #expect(failure.violations.map(\.property) == [.noLostWrites])
        let shrunk = try #require(failure.shrunk)
        #expect(shrunk.property == .noLostWrites)
        #expect(shrunk.faults <= 2)
        #expect(FileManager.default.fileExists(atPath: out + "/swarm.json"))

        // The written file fails on its own, on the same property...
        var scenario = try ScenarioLoader.load(file: shrunk.file)
        #expect(scenario.faults.contains { $0.target == .cache })
        let lost = CheckEvaluator().evaluate(try SimRunner().run(scenario)).first { $0.check == CheckSpec.noLostWrites.description }
        #expect(lost?.verdict == .fail)
        // ...and passes it once the bug is gone.
        scenario.system.plantedBug = nil
        let kept = CheckEvaluator().evaluate(try SimRunner().run(scenario)).first { $0.check == CheckSpec.noLostWrites.description }
        #expect(kept?.verdict == .pass)
    }

    @Test("the report counts failures by property and by fault kind, and its Markdown and HTML show them")
    func reportTables() throws {
        let space = try Self.ciSpace()
        let plan = space.plan(seed: 3)
        let violation = SwarmRunner.Violation(property: .noLostWrites, observed: "3 lost")
        let outcomes = [
            SwarmRunner.Outcome(plan: plan, violations: [violation], requests: 10),
            SwarmRunner.Outcome(plan: space.plan(seed: 4), violations: [], requests: 10),
        ]
        #expect(SwarmReport.byProperty(outcomes) == [.init(name: "no_lost_writes", seeds: 1)])
        let rows = SwarmReport.faultRows(outcomes)
        for fault in plan.faults {
            #expect(rows.first { $0.group == fault.group }?.failures.contains(.init(name: "no_lost_writes", seeds: 1)) == true)
        }
        let report = SwarmReport(
            revo: "test",
            spaces: ["ci.yaml"],
            from: 3,
            count: 2,
            shard: nil,
            seedsRun: 2,
            failed: 1,
            notRun: 0,
            requests: 20,
            failuresByProperty: SwarmReport.byProperty(outcomes),
            failures: [.init(seed: 3, space: "ci", violations: [violation], file: nil, reproduce: "revo swarm ci.yaml --from 3 --seeds 1")],
            faultKinds: rows,
            unrecoverable: [],
            wallSeconds: 1,
            seedsPerMinute: 120
        )
        let markdown = SwarmReportWriter.markdown(report)
        #expect(markdown.contains("| `no_lost_writes` | 1 |"))
        #expect(markdown.contains("revo swarm ci.yaml --from 3 --seeds 1"))
        #expect(SwarmReportWriter.html(report).contains("<td class=\"FAIL\"><code>no_lost_writes</code> 3 lost</td>"))
    }

    @Test("shards of a seed range, merged, report what the whole range reports")
    func shardsMerge() throws {
        let space = try Self.ciSpace(planting: "outbox_drops_during_cache_outage")
        var options = Swarm.Options()
        options.from = 30
        options.count = 6
        options.shrinkBudget = .zero
        let whole = try Swarm(spaces: [space], options: options).run().report
        let shards = try (1...2).map { index in
            options.shard = (index, 2)
            return try Swarm(spaces: [space], options: options).run().report
        }
        #expect(shards.map(\.seedsRun) == [3, 3])
        let merged = SwarmReport.merge(shards)
        #expect(merged.seedsRun == whole.seedsRun)
        #expect(merged.failures.map(\.seed) == whole.failures.map(\.seed))
        #expect(!whole.failures.isEmpty)
        #expect(merged.failuresByProperty == whole.failuresByProperty)
        #expect(merged.faultKinds == whole.faultKinds)
        #expect(merged.unrecoverable == whole.unrecoverable)
        #expect(merged.requests == whole.requests)
    }
}
