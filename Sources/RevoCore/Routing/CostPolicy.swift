/// The original's cost policy: at most $100 of cloud spend a day, 70% of requests answered locally.
public struct CostPolicy: Sendable, Equatable {
    /// Cloud providers are skipped for the rest of the (clock) day once this much was spent.
    public var dailyCapUSD: Double
    /// Target share of requests answered by local models; reported against the actual share.
    public var localShareTarget: Double

    public init(dailyCapUSD: Double = 100, localShareTarget: Double = 0.7) {
        self.dailyCapUSD = dailyCapUSD
        self.localShareTarget = localShareTarget
    }
}
