package import RevoCore
package import RevoServer

extension HealthReport {
    /// Reads `GET /health`'s answer back into the report the recorder samples.
    package init(answer json: JSONValue, at checkedAt: Duration) {
        let services = json["services"]
        let entries = Service.allCases.compactMap { service -> HealthReport.Entry? in
            guard let body = services?[service.rawValue] else { return nil }
            let status = body["status"]?.string.flatMap(HealthStatus.init(rawValue:)) ?? .unhealthy
            let reasons = body["reasons"]?.array?.compactMap(\.string) ?? []
            return HealthReport.Entry(service: service, health: ComponentHealth(status: status, reasons: reasons))
        }
        self.init(
            status: json["status"]?.string.flatMap(HealthStatus.init(rawValue:)) ?? .unhealthy,
            services: entries,
            availableProviders: (json["available_providers"]?.array ?? []).compactMap(\.string).map { ProviderID($0) },
            live: json["live"]?.bool ?? false,
            ready: json["ready"]?.bool ?? false,
            notReadyBecause: json["not_ready_because"]?.array?.compactMap(\.string) ?? [],
            checkedAt: checkedAt
        )
    }
}

extension HealthReport {
    /// What the sampler records when `/health` does not answer at all: the backend itself is down.
    package static func unreachable(_ reason: String, at checkedAt: Duration) -> HealthReport {
        HealthReport(
            status: .unhealthy,
            services: [HealthReport.Entry(service: .backend, health: ComponentHealth(status: .unhealthy, reasons: [reason]))],
            availableProviders: [],
            live: false,
            ready: false,
            notReadyBecause: [reason],
            checkedAt: checkedAt
        )
    }
}
