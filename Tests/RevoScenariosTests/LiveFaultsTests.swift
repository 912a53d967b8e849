import RevoCore
import RevoFaultProxy
import RevoSim
import Testing

@testable import RevoLive
@testable import RevoScenarios

/// How the scenario vocabulary becomes real faults in live mode, and what it cannot express there.
struct LiveFaultsTests {
    func action(_ kind: FaultSpec.Kind, _ target: FaultSpec.Target, owns: Bool = true, firstN: Int? = nil) -> LiveFaults.Action {
        LiveFaults.action(for: FaultSpec(id: "f", kind: kind, target: target, firstN: firstN), ownsPostgres: owns)
    }

    @Test func outagesBecomeToxicsOrARealStop() throws {
        #expect(action(.outage(code: "57P01"), .database) == .stopPostgres)
        #expect(action(.outage(code: nil), .memory) == .stopPostgres)
        #expect(action(.outage(code: nil), .database, owns: false) == .toxic(proxy: "postgres", try Toxic(name: "f", type: "down")))
        #expect(action(.outage(code: nil), .cache) == .toxic(proxy: "redis", try Toxic(name: "f", type: "down")))
        let loading = try Toxic(name: "f", type: "redis_error", attributes: ToxicAttributes(["error": .string("loading")]))
        #expect(action(.outage(code: "LOADING"), .cache) == .toxic(proxy: "redis", loading))
    }

    @Test func slowAndHungDependenciesBecomeLatencyAndTimeoutToxics() throws {
        let latency = try Toxic(name: "f", type: "latency", attributes: ToxicAttributes(["latency": .number(250)]))
        #expect(action(.latency(.milliseconds(250)), .database) == .toxic(proxy: "postgres", latency))
        let hang = try Toxic(name: "f", type: "timeout", attributes: ToxicAttributes(["timeout": .number(0)]))
        #expect(action(.timeout, .cache) == .toxic(proxy: "redis", hang))
    }

    @Test func providerFaultsGoToTheFakeUpstreamOrItsProxy() throws {
        let spec = FaultSpec(id: "f", kind: .rateLimit(retryAfter: .seconds(20)), target: .provider(.openai), firstN: 2)
        guard case .upstream(.openai, let fault) = LiveFaults.action(for: spec, ownsPostgres: true, upstreams: [.openai]) else {
            Issue.record("expected an upstream fault")
            return
        }
        #expect(fault.kind == "rate_limit")
        #expect(fault.retryAfterS == 20)
        #expect(fault.firstN == 2)
        let outage = FaultSpec(id: "f", kind: .outage(code: nil), target: .provider(.anthropic))
        #expect(
            LiveFaults.action(for: outage, ownsPostgres: true, upstreams: [.anthropic])
                == .toxic(proxy: "provider-anthropic", try Toxic(name: "f", type: "down"))
        )
        let oom = FaultSpec(id: "f", kind: .oomOnLoad, target: .provider(.openai))
        guard case .unsupported = LiveFaults.action(for: oom, ownsPostgres: true, upstreams: [.openai]) else {
            Issue.record("a load fault has no HTTP form")
            return
        }
    }

    @Test func whatAProxyCannotDoIsUnsupportedSoTheFaultNeverFires() {
        for unsupported in [
            action(.rateLimit(retryAfter: nil), .provider(.llamaLocal)),
            action(.gpuTaken(.gigabytes(8)), .machine),
            action(.outage(code: nil), .cache, firstN: 3),
            action(.errorRate(0.5, code: nil), .database),
        ] {
            guard case .unsupported = unsupported else {
                Issue.record("expected unsupported, got \(unsupported)")
                continue
            }
        }
    }

    @Test func timeScaleShrinksTheTimeline() throws {
        let scenario = try ScenarioLoader.load(file: GateCanFailTests.library.appendingPathComponent("postgres-outage.yaml").path)
        let scaled = scenario.scaled(by: 0.1)
        #expect(scaled.duration == .seconds(90))
        #expect(scaled.faults.map(\.at) == [.seconds(30), .seconds(30)])
        #expect(scaled.faults.map(\.duration) == [.seconds(30), .seconds(30)])
        #expect(scaled.workload.rate == scenario.workload.rate)
        #expect(scenario.scaled(by: 1) == scenario)
    }
}
