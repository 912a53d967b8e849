public import Prometheus
import RevoCore

/// What `GET /metrics` exposes in Prometheus text format: the HTTP metrics of every request (``RequestMetrics``), the
/// system's own state and the process's (``ProcessMetrics``), read at scrape time.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let requests: RequestMetrics

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.requests = RequestMetrics(factory: PrometheusMetricsFactory(registry: registry))
    }

    /// Sets the system gauges from the current state, then renders everything.
    func scrape(_ system: RevoSystem) async -> String {
        let report = await system.health()
        func level(_ status: HealthStatus) -> Double {
            switch status {
            case .healthy: 0
            case .degraded: 1
            case .unhealthy: 2
            }
        }
        let help = "0 healthy, 1 degraded, 2 unhealthy"
        gauge("revo_health_status", labels: [("service", "overall")], help: help).set(to: level(report.status))
        for entry in report.services {
            gauge("revo_health_status", labels: [("service", entry.service.rawValue)], help: help).set(
                to: level(entry.health.status)
            )
        }
        gauge("revo_ready", help: "1 when every required service answers").set(to: report.ready ? 1 : 0)
        let available = report.availableProviders
        for status in system.models.statuses() {
            let labels = [("provider", status.id.rawValue)]
            gauge("revo_provider_available", labels: labels, help: "1 when the provider can take a request").set(
                to: available.contains(status.id) ? 1 : 0
            )
            let open: Bool = if case .open = status.breaker { true } else { false }
            gauge("revo_provider_circuit_open", labels: labels, help: "1 while the provider's circuit is open").set(
                to: open ? 1 : 0
            )
        }
        let costs = system.models.costSummary()
        gauge("revo_cost_usd_today", help: "API spend in the current clock day").set(to: costs.spentTodayUSD)
        let memory = await system.memory.stats()
        gauge("revo_memory_outbox_depth", help: "memory writes waiting for the primary store").set(
            to: Double(memory.outboxDepth ?? 0)
        )
        gauge("revo_parallel_mind_workers", help: "Parallel Mind pool size").set(
            to: Double(system.parallelMind.snapshot().workers)
        )
        return registry.emitToString() + ProcessMetrics.text()
    }

    /// The gauge of that full name (no unit suffix added) and those labels.
    private func gauge(_ name: String, labels: [(String, String)] = [], help: String) -> Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
    }
}
