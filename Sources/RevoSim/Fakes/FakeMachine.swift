public import RevoCore
import Synchronization

/// A machine whose free RAM and GPU memory change over virtual time: fake models take their footprint when they load,
/// other tenants take memory during `gpu_taken` / `ram_taken` faults, and `missing_library` faults hide libraries.
public final class FakeMachine: ResourceProbe {
    struct State {
        var allocatedRAM = ByteCount.zero
        var allocatedGPU = ByteCount.zero
    }

    public let base: MachineResources
    private let faults: FaultInjector
    private let state = Mutex(State())

    public init(_ base: MachineResources, faults: FaultInjector) {
        self.base = base
        self.faults = faults
    }

    public func resources() async -> MachineResources {
        current(countingFaults: true)
    }

    /// The machine now; `countingFaults` records the active machine faults as fired.
    public func current(countingFaults: Bool = false) -> MachineResources {
        var machine = base
        let (ram, gpu) = state.withLock { ($0.allocatedRAM, $0.allocatedGPU) }
        let active = faults.active(.machine)
        let (takenRAM, takenGPU) = Self.taken(by: active)
        for fault in active {
            switch fault.kind {
            case .missingLibrary(let library): machine.nativeLibraries.removeAll { $0 == library }
            case .ramTaken, .gpuTaken: break
            default: continue
            }
            if countingFaults { faults.markFired(fault) }
        }
        machine.availableRAM = max(.zero, base.availableRAM - ram - takenRAM)
        if !machine.gpus.isEmpty {
            machine.gpus[0].availableMemory = max(.zero, base.gpus[0].availableMemory - gpu - takenGPU)
        }
        return machine
    }

    /// GPU memory the loaded models hold beyond what the GPU has: positive while another tenant squeezes them out.
    public var gpuOvercommit: ByteCount {
        guard let gpu = base.gpus.first else { return .zero }
        let allocated = state.withLock { $0.allocatedGPU }
        let taken = Self.taken(by: faults.active(.machine)).gpu
        return max(.zero, allocated + taken - gpu.availableMemory)
    }

    /// RAM and GPU memory other tenants hold under the given machine faults.
    private static func taken(by active: [FaultSpec]) -> (ram: ByteCount, gpu: ByteCount) {
        active.reduce((ByteCount.zero, ByteCount.zero)) { sum, fault in
            switch fault.kind {
            case .ramTaken(let amount): (sum.0 + amount, sum.1)
            case .gpuTaken(let amount): (sum.0, sum.1 + amount)
            default: sum
            }
        }
    }

    /// Takes a model's footprint; fails (out of memory) when it does not fit.
    func allocate(_ footprint: ResourceFootprint) -> String? {
        if let misfit = footprint.misfit(on: current()) { return misfit }
        state.withLock { s in
            s.allocatedRAM = s.allocatedRAM + footprint.ram
            s.allocatedGPU = s.allocatedGPU + footprint.gpuMemory
        }
        return nil
    }

    func release(_ footprint: ResourceFootprint) {
        state.withLock { s in
            s.allocatedRAM = max(.zero, s.allocatedRAM - footprint.ram)
            s.allocatedGPU = max(.zero, s.allocatedGPU - footprint.gpuMemory)
        }
    }

    /// RAM the fake models hold on the machine, for the `machine_memory_gb` metric.
    public var modelledMemory: ByteCount {
        state.withLock { $0.allocatedRAM }
    }
}
