import Foundation
import RevoCore

/// `GET /health` answer.
struct HealthAnswer: Encodable, Sendable {
    struct ServiceAnswer: Encodable, Sendable {
        var status: String
        var reasons: [String]
    }

    var status: String
    var live: Bool
    var ready: Bool
    var notReadyBecause: [String]
    var services: [String: ServiceAnswer]
    var availableProviders: [String]

    init(_ report: HealthReport) {
        status = report.status.rawValue
        live = report.live
        ready = report.ready
        notReadyBecause = report.notReadyBecause
        services = Dictionary(
            uniqueKeysWithValues: report.services.map {
                ($0.service.rawValue, ServiceAnswer(status: $0.health.status.rawValue, reasons: $0.health.reasons))
            }
        )
        availableProviders = report.availableProviders.map(\.rawValue)
    }
}

extension HealthAnswer {
    /// What `JSONEncoder` with snake_case and sorted keys writes for it (a test compares them): a monitor polls it.
    var json: [UInt8] {
        var writer = JSONObjectWriter(capacity: 512)
        writer.field("available_providers", strings: availableProviders)
        writer.field("live", live)
        writer.field("not_ready_because", strings: notReadyBecause)
        writer.field("ready", ready)
        writer.field("services") { object in
            for name in services.keys.sorted() {
                let service = services[name]!
                object.field(named: name) { entry in
                    entry.field("reasons", strings: service.reasons)
                    entry.field("status", service.status)
                }
            }
        }
        writer.field("status", status)
        return writer.finished()
    }
}
