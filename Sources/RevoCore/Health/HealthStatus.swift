/// The three states everything in the health report is in.
public enum HealthStatus: String, Sendable, Codable, Comparable, CaseIterable {
    case healthy
    case degraded
    case unhealthy

    private var severity: Int {
        switch self {
        case .healthy: 0
        case .degraded: 1
        case .unhealthy: 2
        }
    }

    public static func < (lhs: HealthStatus, rhs: HealthStatus) -> Bool { lhs.severity < rhs.severity }
}

/// One service's health, with the reasons whenever it is not healthy.
public struct ComponentHealth: Sendable, Equatable, Codable {
    public var status: HealthStatus
    public var reasons: [String]

    public init(status: HealthStatus, reasons: [String] = []) {
        self.status = status
        self.reasons = reasons
    }

    public static let healthy = ComponentHealth(status: .healthy)
}
