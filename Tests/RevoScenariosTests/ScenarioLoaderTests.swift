import Foundation
import Testing

@testable import RevoCore
@testable import RevoScenarios
@testable import RevoSim

@Suite("Scenario files")
struct ScenarioLoaderTests {
    static let minimal = """
        name: tiny
        description: a small scenario
        duration: 1m
        workload:
          rate: 2/s
        """

    func error(_ yaml: String) -> ScenarioError? {
        do {
            _ = try ScenarioLoader.parse(yaml, file: "test.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test("a minimal scenario gets the documented defaults")
    func defaults() throws {
        let scenario = try ScenarioLoader.parse(Self.minimal, file: "tiny.yaml")
        #expect(scenario.seed == 1)
        #expect(scenario.duration == .seconds(60))
        #expect(scenario.machine == ScenarioLoader.defaultMachine)
        #expect(scenario.system.providers.map(\.descriptor.id) == [.deepseekR1, .llamaLocal, .openai, .anthropic, .mock])
        #expect(scenario.workload.rate == 2)
        #expect(scenario.workload.arrival == .poisson)
    }

    @Test(
        "bad input is rejected with file:line:column, the field path and a suggestion",
        arguments: [
            (
                minimal + "\nseeed: 3",
                "test.yaml:6:1: error: seeed: unknown key 'seeed'; allowed: checks, description, duration, faults, machine, mode, name, seed, system, workload (did you mean 'seed'?)"
            ),
            (
                minimal.replacingOccurrences(of: "duration: 1m", with: "duration: 1 minute"),
                "test.yaml:3:11: error: duration: expected a duration such as 250ms, 30s, 5m or 2h, got '1 minute'"
            ),
            (
                minimal.replacingOccurrences(of: "rate: 2/s", with: "rate: 2/d"),
                "test.yaml:5:9: error: workload.rate: unknown rate unit '/d'; allowed: /s, /m, /h"
            ),
            (minimal + "\nmachine:\n  ram: 8GB\n  available_ram: 16GB", "test.yaml:8:18: error: machine.available_ram: must not exceed ram (8.0 GB)"),
            (
                minimal + "\nfaults:\n  - what: outage\n    where: databse",
                "test.yaml:8:12: error: faults[0].where: unknown fault target 'databse'; allowed: database, cache, memory, machine, websocket, provider:<name> (did you mean 'database'?)"
            ),
            (
                minimal + "\nfaults:\n  - what: gpu_taken\n    where: database\n    amount: 4GB",
                "test.yaml:8:12: error: faults[0].where: a gpu_taken fault happens on the machine: use 'where: machine'"
            ),
            (
                minimal + "\nfaults:\n  - what: outage\n    where: cache\n    at: 5m",
                "test.yaml:9:9: error: faults[0].at: starts at 300.000s, after the scenario ends (60.000s)"
            ),
            (
                minimal + "\nchecks:\n  - \"latncy: p(95) < 2s\"",
                "test.yaml:7:5: error: checks[0]: unknown metric 'latncy'; allowed: latency, ttft, itl, errors, availability, upstream_calls, calls, cost_usd, memory_mb, machine_memory_gb, requests, status (did you mean 'latency'?)"
            ),
            (
                minimal + "\nchecks:\n  - \"errors: p(95) < 2\"",
                "test.yaml:7:5: error: checks[0]: p(95) does not apply to errors; allowed: rate, count"
            ),
            (
                minimal + "\nchecks:\n  - browser: {name: b, fetch: GET /health, websocket: /ws/chat, expect: {status: 200}}",
                "test.yaml:7:14: error: checks[0].browser: a browser probe does one thing: give exactly one of fetch, websocket, session"
            ),
            (
                minimal + "\nchecks:\n  - browser: {name: b, from: evil, fetch: GET /health, expect: {status: 200}}",
                "test.yaml:7:30: error: checks[0].browser.from: unknown origin 'evil'; allowed: allowed, other"
            ),
            (
                minimal + "\nchecks:\n  - browser: {name: b, fetch: GET /health, expect: {}}",
                "test.yaml:7:52: error: checks[0].browser.expect: expects nothing: give status, blocked, close_code or body_contains"
            ),
            (
                minimal + "\nchecks:\n  - \"availability: min > 0.99\"",
                "test.yaml:7:5: error: checks[0]: availability needs a window tag, e.g. availability{window:1m}"
            ),
            (
                minimal + "\nchecks:\n  - health: {service: database, degraded_during: db}",
                "test.yaml:7:50: error: checks[0].health.degraded_during: no fault with id 'db'; declared: "
            ),
            (
                minimal + "\nsystem:\n  chain: [openai, gpt5]",
                "test.yaml:7:19: error: system.chain[1]: unknown provider 'gpt5'; allowed: deepseek_r1_0528, llama_local, openai, anthropic, mock"
            ),
            (
                "name: x\ndescription: y\nduration: 1m\nworkload: [1, 2",
                "test.yaml:5:1: error: not valid YAML: while parsing a flow sequence did not find expected ',' or ']'"
            ),
        ]
    )
    func rejected(yaml: String, expected: String) {
        #expect(error(yaml)?.description.hasPrefix(expected) == true, "\(String(describing: error(yaml)))")
    }

    @Test("a misspelt required key is pointed at, not just reported missing")
    func misspeltRequired() {
        let text = Self.minimal.replacingOccurrences(of: "duration:", with: "duraton:")
        #expect(
            error(text)?.description == "test.yaml:3:1: error: duraton: missing required field 'duration' (found 'duraton': did you mean 'duration'?)"
        )
    }

    @Test("thresholds parse into metric, tags, aggregate, comparison and value in the metric's unit")
    func thresholds() throws {
        let text =
            Self.minimal + """

                checks:
                  - "latency{route:chat,provider:local}: p(99.9) <= 800ms"
                  - "errors: rate < 0.01"
                  - "availability{window:5m}: min > 0.99"
                  - "cost_usd: sum < 10"
                """
        let checks = try ScenarioLoader.parse(text, file: "t.yaml").checks
        guard case .threshold(let latency) = checks[0] else {
            Issue.record("not a threshold")
            return
        }
        #expect(latency.metric == .latency)
        #expect(latency.tags.map(\.key) == ["route", "provider"])
        #expect(latency.aggregate.kind == .percentile && latency.aggregate.percentile == 99.9)
        #expect(latency.comparison == .lessOrEqual)
        #expect(latency.value == 800)
        #expect(checks.count == 4)
    }

    @Test("every scenario in the library is valid")
    func library() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let files = try ScenarioLoader.scenarioFiles(in: [root.appendingPathComponent("Scenarios").path])
        #expect(!files.isEmpty)
        for file in files {
            let scenario = try ScenarioLoader.load(file: file)
            #expect(!scenario.checks.isEmpty, "\(file) checks nothing")
        }
    }
}
