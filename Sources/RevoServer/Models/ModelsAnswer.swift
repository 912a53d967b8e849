import Foundation
import RevoCore

/// `GET /api/models` answer.
struct ModelsAnswer: Encodable, Sendable {
    struct Provider: Encodable, Sendable {
        var id: String
        var name: String
        var kind: String
        var status: String
        var reason: String?
        var circuit: String
        var contextWindow: Int
        var pricePer1kTokens: Double
    }

    struct Machine: Encodable, Sendable {
        var totalRamGb: Double
        var availableRamGb: Double
        var gpuMemoryGb: Double?
        var gpuAvailableGb: Double?
        var cpuCores: Int
        var nativeLibraries: [String]
    }

    var providers: [Provider]
    var machine: Machine
    var costs: CostLedger.Summary
    var dailyCapUsd: Double

    init(_ list: RevoSystem.ModelList) {
        providers = list.providers.map { status in
            let (state, reason): (String, String?) =
                switch status.state {
                case .ready: ("ready", nil)
                case .loading: ("loading", nil)
                case .unloaded: ("not_loaded", nil)
                case .unavailable(let reason, _): ("unavailable", reason)
                }
            let circuit: String =
                switch status.breaker {
                case .closed: "closed"
                case .open: "open"
                case .halfOpen: "half_open"
                }
            return Provider(
                id: status.id.rawValue,
                name: status.descriptor.displayName,
                kind: status.descriptor.kind.rawValue,
                status: state,
                reason: reason,
                circuit: circuit,
                contextWindow: status.descriptor.contextWindow,
                pricePer1kTokens: status.descriptor.pricePer1kTokens
            )
        }
        machine = Machine(
            totalRamGb: list.machine.totalRAM.gigabytes,
            availableRamGb: list.machine.availableRAM.gigabytes,
            gpuMemoryGb: list.machine.gpus.first?.totalMemory.gigabytes,
            gpuAvailableGb: list.machine.gpus.first?.availableMemory.gigabytes,
            cpuCores: list.machine.cpuCores,
            nativeLibraries: list.machine.nativeLibraries
        )
        costs = list.costs
        dailyCapUsd = list.costPolicy.dailyCapUSD
    }
}
