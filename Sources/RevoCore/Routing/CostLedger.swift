/// Spend and answer counts per clock day, for the daily cap and the local/cloud ratio.
public struct CostLedger: Sendable, Equatable {
    public struct Summary: Sendable, Equatable, Codable {
        public var day: Int
        public var spentTodayUSD: Double
        public var totalSpentUSD: Double
        public var localAnswers: Int
        public var cloudAnswers: Int
        public var mockAnswers: Int

        /// Share of answers that came from local models (mock excluded); nil before any answer.
        public var localShare: Double? {
            let counted = localAnswers + cloudAnswers
            return counted == 0 ? nil : Double(localAnswers) / Double(counted)
        }
    }

    private static let day = Duration.seconds(86_400)

    private var currentDay = 0
    private var spentToday = 0.0
    private var totalSpent = 0.0
    private var answers: [ProviderKind: Int] = [:]

    public init() {}

    public mutating func record(kind: ProviderKind, costUSD: Double, at now: Duration) {
        rollOver(to: now)
        spentToday += costUSD
        totalSpent += costUSD
        answers[kind, default: 0] += 1
    }

    public mutating func spentToday(at now: Duration) -> Double {
        rollOver(to: now)
        return spentToday
    }

    public func summary() -> Summary {
        Summary(
            day: currentDay,
            spentTodayUSD: spentToday,
            totalSpentUSD: totalSpent,
            localAnswers: answers[.local] ?? 0,
            cloudAnswers: answers[.api] ?? 0,
            mockAnswers: answers[.mock] ?? 0
        )
    }

    private mutating func rollOver(to now: Duration) {
        let today = Int(now / Self.day)
        if today != currentDay {
            currentDay = today
            spentToday = 0
        }
    }
}
