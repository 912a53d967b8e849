import Testing

@testable import RevoScenarios

/// Probes: how they are declared (live-only scenarios), and how an answer is judged.
struct ProbeTests {
    static func scenario(mode: String?, check: String) -> String {
        """
        name: probes
        description: probe parsing
        \(mode.map { "mode: \($0)" } ?? "")
        duration: 5s
        workload:
          rate: 1/s
        checks:
        \(check)
        """
    }

    static let probe = """
          - probe:
              name: wrong-base
              request: POST /chat
              token: tampered
              headers: {X-Thing: "1"}
              expect: {status: 404, headers: {Vary: Origin}, absent_headers: access-control-allow-origin, body_contains: [did you mean]}
        """

    @Test func aProbeIsParsedWithEveryField() throws {
        let scenario = try ScenarioLoader.parse(Self.scenario(mode: "live", check: Self.probe), file: "p.yaml")
        #expect(scenario.liveOnly)
        guard case .probe(let probe) = scenario.checks.first else {
            Issue.record("expected a probe")
            return
        }
        #expect(probe.method == "POST" && probe.path == "/chat" && probe.token == .tampered)
        #expect(probe.headers == [Probe.Header(name: "x-thing", value: "1")])
        #expect(probe.expectStatus == 404)
        #expect(probe.expectHeaders == [Probe.Header(name: "vary", value: "Origin")])
        #expect(probe.expectAbsent == ["access-control-allow-origin"])
        #expect(probe.expectBody == ["did you mean"])
    }

    @Test func probesRunInEitherModeAndNeedValidValues() throws {
        // Probes go through the in-process application in sim mode and over loopback in live mode.
        let scenario = try ScenarioLoader.parse(Self.scenario(mode: nil, check: Self.probe), file: "p.yaml")
        #expect(!scenario.liveOnly && scenario.probes.count == 1)
        let badToken = Self.probe.replacingOccurrences(of: "token: tampered", with: "token: forged")
        do {
            _ = try ScenarioLoader.parse(Self.scenario(mode: "live", check: badToken), file: "p.yaml")
            Issue.record("an unknown token must be refused")
        } catch {
            #expect(error.message == "unknown token 'forged'; allowed: none, valid, expired, tampered, unsigned")
        }
        let badRequest = Self.probe.replacingOccurrences(of: "request: POST /chat", with: "request: FETCH chat")
        #expect(throws: ScenarioError.self) { try ScenarioLoader.parse(Self.scenario(mode: "live", check: badRequest), file: "p.yaml") }
        #expect(throws: ScenarioError.self) {
            try ScenarioLoader.parse(Self.scenario(mode: "staging", check: "  - \"errors: rate < 1\""), file: "p.yaml")
        }
    }

    @Test func judgingNamesEveryMiss() {
        let probe = Probe(
            name: "p",
            method: "GET",
            path: "/x",
            expectStatus: 404,
            expectHeaders: [.init(name: "vary", value: "Origin")],
            expectAbsent: ["access-control-allow-origin"],
            expectBody: ["did you mean"]
        )
        let pass = probe.judge(status: 404, headers: [("Vary", "Origin")], body: "no route; did you mean /api/x?")
        #expect(pass.passed)
        let fail = probe.judge(status: 200, headers: [("Access-Control-Allow-Origin", "*")], body: "ok")
        #expect(!fail.passed)
        #expect(fail.observed.hasPrefix("status 200, expected 404; vary: (absent), expected Origin; access-control-allow-origin present (*)"))
        #expect(fail.observed.contains("body lacks 'did you mean'"))
    }
}
