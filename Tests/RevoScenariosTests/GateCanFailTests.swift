import Foundation
import Testing

@testable import RevoCore
@testable import RevoScenarios

/// A gate that cannot fail is worth nothing: for each scenario of the library, break the behaviour it guards and
/// expect the scenario to fail, on the check that guards it.
@Suite("The scenario gate can fail")
struct GateCanFailTests {
    static let library = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scenarios")

    struct Breakage: Sendable, CustomTestStringConvertible {
        var scenario: String
        var broken: String
        var failingCheck: String
        var apply: @Sendable (inout Scenario) -> Void

        var testDescription: String { "\(scenario) with \(broken) fails \(failingCheck)" }
    }

    static let breakages: [Breakage] = [
        Breakage(scenario: "baseline-healthy", broken: "the mock first in the chain", failingCheck: "deepseek_r1_0528 answered") {
            $0.system.routing.mockLast = false
            $0.system.routing.chain = [.mock, .deepseekR1, .llamaLocal, .openai, .anthropic]
        },
        Breakage(scenario: "missing-transformers", broken: "the mock first in the chain", failingCheck: "openai answered") {
            $0.system.routing.mockLast = false
            $0.system.routing.chain = [.mock, .deepseekR1, .llamaLocal, .openai, .anthropic]
        },
        Breakage(scenario: "deepseek-oom-on-load", broken: "no background re-probe", failingCheck: "deepseek_r1_0528 answered") {
            $0.system.routing.reprobeInterval = .seconds(86_400)
        },
        Breakage(scenario: "llama-cuda-oom-under-load", broken: "no circuit breaker", failingCheck: "health of models degraded during gpu-tenant") {
            $0.system.routing.breaker.enabled = false
        },
        Breakage(scenario: "redis-outage", broken: "a cache timeout of 30 s", failingCheck: "latency{route:memory_recall}: p(99) < 1s") {
            $0.system.cacheTimeout = .seconds(30)
        },
        Breakage(scenario: "redis-outage", broken: "no reply cache", failingCheck: "requests{route:chat_stateless,cache:hit}: count > 0") {
            $0.system.replyCache = false
        },
        Breakage(
            scenario: "all-providers-down",
            broken: "every request probing an open circuit",
            failingCheck: "latency{outcome:error, during: openai-down}: p(50) < 100ms"
        ) {
            $0.system.routing.breaker.halfOpenProbes = 1_000
        },
        Breakage(scenario: "all-providers-down", broken: "no stale replies", failingCheck: "requests{route:chat_stateless,cache:stale}: count > 0") {
            $0.system.staleReplies = false
        },
        Breakage(scenario: "frontend-integration", broken: "no allowed origin", failingCheck: "probe cors-preflight-allowed-origin") {
            $0.system.allowedOrigins = []
        },
        Breakage(scenario: "postgres-outage", broken: "no durable outbox", failingCheck: "no acknowledged memory write lost") {
            $0.system.outboxEnabled = false
        },
        Breakage(scenario: "postgres-down-at-startup", broken: "no durable outbox", failingCheck: "no acknowledged memory write lost") {
            $0.system.outboxEnabled = false
        },
        Breakage(scenario: "memory-service-down", broken: "no durable outbox", failingCheck: "no acknowledged memory write lost") {
            $0.system.outboxEnabled = false
        },
        Breakage(scenario: "api-rate-limited", broken: "no Retry-After cap", failingCheck: "latency: max < 10s") {
            $0.system.routing.retry.maxRetryAfter = .seconds(3600)
        },
        Breakage(scenario: "api-outage-timeouts", broken: "no circuit breaker", failingCheck: "latency: p(95) < 3s") {
            $0.system.routing.breaker.enabled = false
        },
        Breakage(scenario: "all-providers-down", broken: "a request deadline of a minute", failingCheck: "latency{outcome:error}: max <= 10s") {
            $0.system.routing.requestDeadline = .seconds(60)
            $0.system.routing.attemptTimeout = .seconds(60)
        },
        Breakage(scenario: "flapping-dependencies", broken: "no durable outbox", failingCheck: "no acknowledged memory write lost") {
            $0.system.outboxEnabled = false
            $0.duration = .seconds(600)
        },
        Breakage(scenario: "engine-failure", broken: "a Parallel Mind pool that cannot grow", failingCheck: "parallel mind reaches 16 workers") {
            $0.system.parallelMind.maxWorkers = 4
        },
        Breakage(scenario: "context-window-fallback", broken: "no fallback to another provider", failingCheck: "errors: rate < 0.01") {
            $0.system.routing.maxFallbacks = 0
        },
        Breakage(scenario: "rate-limit-per-client", broken: "no rate limit", failingCheck: "sometimes rate_limited") {
            $0.system.rateLimit = 1_000_000
        },
        Breakage(scenario: "cloud-cost-cap", broken: "a cap a thousand times higher", failingCheck: "cost_usd: sum < 0.6") {
            $0.system.routing.cost.dailyCapUSD = 500
        },
        Breakage(scenario: "websocket-drops", broken: "clients that send no message ids", failingCheck: "no duplicated message") {
            $0.workload.websocketMessageIDs = false
        },
        Breakage(
            scenario: "soak-24h",
            broken: "a request deadline shorter than the models need",
            failingCheck: "availability{window:10m}: min > 0.99"
        ) {
            $0.system.routing.requestDeadline = .milliseconds(800)
            $0.duration = .seconds(3 * 3600)
        },
    ]

    @Test("breaking the behaviour a scenario guards makes it fail on the check that guards it", arguments: breakages)
    func breaks(_ breakage: Breakage) async throws {
        var scenario = try ScenarioLoader.load(file: Self.library.appendingPathComponent(breakage.scenario + ".yaml").path)
        breakage.apply(&scenario)
        let report = try await RunnerTests.report(scenario)
        #expect(report.verdict == .fail, "\(report.checks)")
        let failing = report.checks.filter { $0.verdict == .fail }.map(\.check)
        #expect(failing.contains { $0.hasPrefix(breakage.failingCheck) }, "failing checks: \(failing)")
    }

    @Test("every simulated scenario in the library has a breakage here")
    func coverage() throws {
        // Live-only scenarios (probes against a real server) cannot run here; their checks' failing side is tested
        // by ProbeTests (every miss named) and by the live run of revo's own tests.
        let names = try ScenarioLoader.scenarioFiles(in: [Self.library.path]).filter { !(try ScenarioLoader.load(file: $0).liveOnly) }.map {
            URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent
        }
        let covered = Set(Self.breakages.map(\.scenario))
        #expect(names.filter { !covered.contains($0) }.isEmpty)
    }
}
