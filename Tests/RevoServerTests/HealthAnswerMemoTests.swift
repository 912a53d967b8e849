import RevoCore
import Testing

@testable import RevoServer

@Suite("Health answer memo")
struct HealthAnswerMemoTests {
    static func report(database: ComponentHealth, at seconds: Int64) -> HealthReport {
        HealthReport(
            status: database.status == .healthy ? .healthy : .degraded,
            services: [.init(service: .backend, health: .healthy), .init(service: .database, health: database)],
            availableProviders: [ProviderID("mock")],
            live: true,
            ready: database.status == .healthy,
            notReadyBecause: database.status == .healthy ? [] : ["database: down"],
            checkedAt: .seconds(seconds)
        )
    }

    @Test("each answer is the report's own text: reused while only the check time moves, rewritten when anything else does")
    func answersFollowTheReport() {
        let memo = HealthAnswerMemo()
        let down = ComponentHealth(status: .degraded, reasons: ["conversations store: connection refused"])
        let sequence: [(ComponentHealth, Int64)] = [(.healthy, 1), (.healthy, 2), (down, 3), (down, 4), (.healthy, 5)]
        for (database, seconds) in sequence {
            let report = Self.report(database: database, at: seconds)
            #expect(memo.json(for: report) == HealthAnswer(report).json, "at \(seconds) s")
        }
        let degraded = ComponentHealth(status: .degraded, reasons: ["conversations store: 57P01 admin_shutdown"])
        #expect(memo.json(for: Self.report(database: degraded, at: 6)) == HealthAnswer(Self.report(database: degraded, at: 6)).json)
    }
}
