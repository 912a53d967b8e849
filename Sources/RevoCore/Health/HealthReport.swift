/// The services the health report covers, in the order it lists them.
public enum Service: String, Sendable, Codable, CaseIterable {
    case backend
    case database
    case cache
    case models
    case memory
    case engines
}

/// What `GET /health` answers: every service with its reasons, overall status, liveness, readiness.
public struct HealthReport: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var service: Service
        public var health: ComponentHealth

        public init(service: Service, health: ComponentHealth) {
            self.service = service
            self.health = health
        }
    }

    public var status: HealthStatus
    public var services: [Entry]
    /// Providers that can take a request right now, in chain order.
    public var availableProviders: [ProviderID]
    /// The process runs and answers (liveness).
    public var live: Bool
    /// Every service readiness depends on answers (readiness: 503 until true).
    public var ready: Bool
    /// Why the system is not ready, when it is not.
    public var notReadyBecause: [String]
    public var checkedAt: Duration

    public init(
        status: HealthStatus,
        services: [Entry],
        availableProviders: [ProviderID],
        live: Bool,
        ready: Bool,
        notReadyBecause: [String],
        checkedAt: Duration
    ) {
        self.status = status
        self.services = services
        self.availableProviders = availableProviders
        self.live = live
        self.ready = ready
        self.notReadyBecause = notReadyBecause
        self.checkedAt = checkedAt
    }

    public func health(of service: Service) -> ComponentHealth? {
        services.first { $0.service == service }?.health
    }

    /// Unhealthy when nothing can answer a chat or the backend is stopping; degraded when anything is not healthy.
    static func overall(_ services: [Entry]) -> HealthStatus {
        let critical = services.filter { $0.service == .models || $0.service == .backend }
        if critical.contains(where: { $0.health.status == .unhealthy }) { return .unhealthy }
        return services.contains { $0.health.status != .healthy } ? .degraded : .healthy
    }
}
