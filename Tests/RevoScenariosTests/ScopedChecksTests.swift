import Testing

@testable import RevoCore
@testable import RevoScenarios

/// Checks scoped to a fault's phases, event assertions, liveness and measured memory: parsed strictly, and each able
/// to pass and to fail.
@Suite("Scoped checks, events, liveness")
struct ScopedChecksTests {
    /// Two minutes at 4 requests/s; the database and the memory store are down from 40 s to 80 s.
    static func scenario(_ checks: String) throws -> Scenario {
        try RunnerTests.scenario(
            """
            faults:
              - {id: db, what: outage, where: database, at: 40s, for: 40s}
              - {id: mem, what: outage, where: memory, at: 40s, for: 40s}
            checks:
            \(checks)
            """,
            mix: "{chat: 6, memory_store: 4}"
        )
    }

    static func loadError(_ checks: String) -> String? {
        do {
            _ = try scenario(checks)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    @Test("phases parse on thresholds and checks; a wrong fault, two phases or within with during are refused")
    func parsing() throws {
        let scenario = try Self.scenario(
            """
              - "errors{route:chat, during: db}: rate < 0.5"
              - "latency{after: db, within: 30s}: p(95) < 2s"
              - reachable: {provider: mock, before: db}
              - sometimes: {event: outbox_replayed, after: mem}
              - never: circuit_opened
              - recovers: {service: database, after: db, within: 30s}
              - health: {service: database, status: degraded, during: db, reason_contains: connection refused}
            """
        )
        guard case .threshold(let during) = scenario.checks[0], case .threshold(let after) = scenario.checks[1] else {
            Issue.record("expected thresholds")
            return
        }
        #expect(during.scope == Scope(.during, fault: "db") && during.tags.map(\.key) == ["route"])
        #expect(after.scope == Scope(.after, fault: "db", within: .seconds(30)) && after.tags.isEmpty)
        #expect(scenario.checks[2] == .reachable(provider: "mock", scope: Scope(.before, fault: "db")))
        #expect(scenario.checks[3] == .sometimes(EventAssertion(event: .outboxReplayed, scope: Scope(.after, fault: "mem"))))
        #expect(scenario.checks[4] == .never(EventAssertion(event: .circuitOpened)))

        #expect(Self.loadError(#"  - "errors{during: dbb}: rate < 0.5""#)?.contains("no fault with id 'dbb'") == true)
        #expect(Self.loadError(#"  - "errors{during: db, after: db}: rate < 0.5""#)?.contains("one phase") == true)
        #expect(Self.loadError(#"  - "errors{during: db, within: 5s}: rate < 0.5""#)?.contains("within: limits before: or after:") == true)
        #expect(Self.loadError("  - sometimes: stale_replies")?.contains("did you mean 'stale_reply'?") == true)
        #expect(Self.loadError(#"  - "memory_gb: max < 8""#)?.contains("memory_mb (the server process, measured)") == true)
    }

    @Test("a scope selects the requests sent in its phase; each assertion can pass and fail")
    func evaluation() async throws {
        let report = try await RunnerTests.report(
            try Self.scenario(
                """
                  - "errors{route:memory_store, before: db}: count == 0"
                  - "requests{route:memory_store, during: mem}: count > 0"
                  - "requests{during: db}: count < 200"
                  - sometimes: {event: outbox_replayed, after: mem}
                  - never: outbox_replayed
                  - sometimes: {event: outbox_replayed, before: mem}
                  - recovers: {service: database, after: db, within: 30s}
                  - recovers: {service: database, after: db, within: 1ms}
                  - health: {service: database, status: degraded, during: db, reason_contains: PostgreSQL}
                  - health: {service: database, status: healthy}
                  - "memory_mb: max > 0"
                """
            )
        )
        #expect(report.checks.map(\.verdict) == [.pass, .pass, .pass, .pass, .fail, .fail, .pass, .fail, .pass, .fail, .pass], "\(report.checks)")
    }

    @Test("degraded during a fault proves nothing unless the service was healthy before it")
    func healthyBefore() async throws {
        let scenario = try RunnerTests.scenario(
            """
            faults:
              - {id: db, what: outage, where: database, for: 40s}
            checks:
              - health: {service: database, degraded_during: db}
            """
        )
        let report = try await RunnerTests.report(scenario)
        #expect(report.checks.first?.verdict == .fail)
        #expect(report.checks.first?.observed.hasPrefix("database was never healthy before db began at t+0") == true)
    }
}
