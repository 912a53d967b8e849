import Foundation
import Testing

@testable import RevoCore
@testable import RevoScenarios
@testable import RevoSim

@Suite("Scenario runner and checks")
struct RunnerTests {
    /// A two-minute scenario at 4 requests/s with the given extra YAML (faults, checks, system).
    static func scenario(_ extra: String, mix: String = "{chat: 8, memory_store: 2}", name: String = "test") throws -> Scenario {
        try ScenarioLoader.parse(
            """
            name: \(name)
            description: test scenario
            duration: 2m
            workload:
              rate: 4/s
              mix: \(mix)
              max_tokens: 64
            \(extra)
            """,
            file: "\(name).yaml"
        )
    }

    /// Runs the simulation on ``simulations``: a run is seconds of CPU without a suspension point, and on Swift's
    /// cooperative threads (two on a 2-core CI machine) it would hold back every other test's awaits as long.
    static func report(_ scenario: Scenario, seed: UInt64? = nil, runner: SimRunner = SimRunner()) async throws -> ScenarioReport {
        try await withCheckedThrowingContinuation { continuation in
            simulations.async {
                continuation.resume(
                    with: Result {
                        let run = try runner.run(scenario, seed: seed)
                        return ScenarioReport(run: run, checks: CheckEvaluator().evaluate(run))
                    }
                )
            }
        }
    }

    /// One simulation at a time, on a thread of its own: a core stays free for the tests that wait on real sockets.
    static let simulations = DispatchQueue(label: "revo.tests.simulations")

    @Test("thresholds pass, fail, or report no data — and no data is never a pass")
    func thresholds() async throws {
        let report = try await Self.report(
            try Self.scenario(
                """
                checks:
                  - "latency{route:chat}: p(95) < 10s"
                  - "latency{route:chat}: p(50) < 1ms"
                  - "latency{route:engine}: p(95) < 10s"
                  - "errors: rate < 0.01"
                  - "requests: count > 100"
                """
            )
        )
        #expect(report.checks.map(\.verdict) == [.pass, .fail, .noData, .pass, .pass])
        #expect(report.checks[2].observed == "no matching requests")
        #expect(report.verdict == .fail)
        #expect(report.reasons.contains { $0.hasPrefix("NO_DATA: latency{route:engine}") })
    }

    @Test("only no-data checks make the verdict UNKNOWN, not PASS")
    func noDataIsUnknown() async throws {
        let report = try await Self.report(try Self.scenario("checks:\n  - \"latency{route:engine}: p(95) < 10s\""))
        #expect(report.verdict == .unknown)
    }

    @Test("a declared fault that never fired makes the verdict UNKNOWN and is counted")
    func faultNeverFired() async throws {
        let report = try await Self.report(
            try Self.scenario(
                """
                faults:
                  - id: never
                    what: rate_limit
                    where: provider:anthropic
                    retry_after: 5s
                  - id: db
                    what: outage
                    where: database
                    at: 30s
                    for: 30s
                checks:
                  - "errors: rate < 0.01"
                """
            )
        )
        #expect(report.faults.map(\.id) == ["never", "db"])
        #expect(report.faults[0].fired == 0)
        #expect(report.faults[1].fired > 0)
        #expect(report.verdict == .unknown)
        #expect(report.reasons.contains("UNKNOWN: fault never (rate_limit on provider:anthropic from t+0.000s) never fired"))
    }

    @Test("a database outage: chat keeps answering, health degraded during it and healthy within 30 s after")
    func healthCheck() async throws {
        let report = try await Self.report(
            try Self.scenario(
                """
                faults:
                  - id: db-down
                    what: outage
                    where: database
                    code: 57P01
                    at: 30s
                    for: 45s
                checks:
                  - health: {service: database, degraded_during: db-down, healthy_within: 30s}
                  - "errors: rate < 0.01"
                """
            )
        )
        #expect(report.checks.map(\.verdict) == [.pass, .pass], "\(report.checks)")
        #expect(report.health.contains { $0.service == "database" && $0.status == .degraded && $0.reason?.contains("57P01") == true })
        #expect(report.verdict == .pass)
    }

    @Test("reachability and the upstream-calls invariant; all API providers down and mock disabled fails the gate")
    func reachabilityAndUpstream() async throws {
        let down = """
            system:
              providers: [openai, anthropic, mock]
              mock_enabled: %MOCK%
            faults:
              - id: apis-down
                what: outage
                where: provider:openai
              - id: anthropic-down
                what: outage
                where: provider:anthropic
            checks:
              - reachable: {provider: mock, during: apis-down}
              - invariant: {max_upstream_calls_per_request: 3}
              - "errors: rate < 0.01"
            """
        let withMock = try await Self.report(try Self.scenario(down.replacingOccurrences(of: "%MOCK%", with: "true")))
        #expect(withMock.checks.map(\.verdict) == [.pass, .pass, .pass], "\(withMock.checks)")
        let withoutMock = try await Self.report(try Self.scenario(down.replacingOccurrences(of: "%MOCK%", with: "false")))
        #expect(withoutMock.checks.map(\.verdict) == [.fail, .pass, .fail], "\(withoutMock.checks)")
        #expect(withoutMock.metrics.outcomes["unavailable"] == withoutMock.metrics.requests - withoutMock.metrics.outcomes["ok", default: 0])
    }

    @Test("no acknowledged write is lost through a memory outage; without the outbox the invariant fails")
    func noLostWrites() async throws {
        let outage = """
            system:
              outbox: %OUTBOX%
            faults:
              - id: memory-down
                what: outage
                where: memory
                at: 20s
                for: 40s
            checks:
              - invariant: no_lost_writes
            """
        let durable = try await Self.report(try Self.scenario(outage.replacingOccurrences(of: "%OUTBOX%", with: "true"), mix: "{memory_store: 1}"))
        #expect(durable.checks[0].verdict == .pass, "\(durable.checks)")
        let lossy = try await Self.report(try Self.scenario(outage.replacingOccurrences(of: "%OUTBOX%", with: "false"), mix: "{memory_store: 1}"))
        #expect(lossy.checks[0].verdict == .fail)
        #expect(lossy.checks[0].observed.hasSuffix("lost") && !lossy.checks[0].observed.hasSuffix(" 0 lost"))
    }

    @Test("the same seed gives the same report, a different seed a different digest")
    func determinism() async throws {
        let scenario = try Self.scenario(
            "checks:\n  - \"errors: rate < 0.05\"",
            mix: "{chat: 5, stream: 2, memory_store: 1, memory_recall: 1, engine: 1}"
        )
        let first = try await Self.report(scenario)
        let second = try await Self.report(scenario)
        #expect(first == second)
        #expect(try ReportWriter.deterministicJSON([first]) == ReportWriter.deterministicJSON([second]))
        #expect(try await Self.report(scenario, seed: 99).simulation.digest != first.simulation.digest)
        #expect(first.simulation.foreignEnqueues == 0)
    }

    @Test("availability over sliding windows")
    func windowedAvailability() {
        func record(_ second: Int, ok: Bool) -> RequestRecord {
            RequestRecord(
                index: second,
                operation: .chat,
                intendedAt: .seconds(second),
                latency: .zero,
                outcome: ok ? .ok : .unavailable,
                upstreamCalls: 1,
                retries: 0,
                costUSD: 0
            )
        }
        let records = (0..<10).map { record($0, ok: $0 != 4) }
        let ratios = CheckEvaluator.windowedAvailability(records, window: .seconds(2), end: .seconds(10))
        #expect(ratios.min() == 0.5)
        #expect(ratios.filter { $0 < 1 }.count == 2)
    }
}
