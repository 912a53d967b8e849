import RevoScenarios

/// Where a live run is, reported every second while it runs: a live run takes as long as its timeline, and its
/// report only comes at the end.
public struct LiveProgress: Sendable, Equatable {
    public var scenario: String
    public var elapsed: Duration
    public var duration: Duration
    /// Ids of the faults whose window is open now.
    public var activeFaults: [String]
    public var requests: Int
    public var errors: Int
    /// Over the requests that finished in the last ``window``; nil before any did.
    public var recentP95: Duration?

    /// How far back the p95 looks.
    public static let window: Duration = .seconds(10)

    /// One line: `postgres-outage 1:12/5:00 · faults: pg-down · 812 requests · 3 errors · p95 180 ms`.
    public var line: String {
        let faults = activeFaults.isEmpty ? "no fault" : "faults: " + activeFaults.joined(separator: ", ")
        let p95 = recentP95.map { "p95 \(Int(($0.seconds * 1000).rounded())) ms" } ?? "p95 -"
        return "\(scenario) \(Self.clock(elapsed))/\(Self.clock(duration)) · \(faults) · \(requests) requests · \(errors) errors · \(p95)"
    }

    private static func clock(_ duration: Duration) -> String {
        let seconds = max(0, Int(duration.seconds))
        let rest = seconds % 60
        return "\(seconds / 60):\(rest < 10 ? "0" : "")\(rest)"
    }
}
