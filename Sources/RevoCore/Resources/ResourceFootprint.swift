/// The memory a loaded model holds: RAM, and GPU memory when it runs on a GPU.
public struct ResourceFootprint: Sendable, Equatable, CustomStringConvertible {
    public var ram: ByteCount
    public var gpuMemory: ByteCount

    public init(ram: ByteCount = .zero, gpuMemory: ByteCount = .zero) {
        self.ram = ram
        self.gpuMemory = gpuMemory
    }

    public static let zero = ResourceFootprint()

    /// Nil when the footprint fits in what the machine has free, otherwise why it does not.
    public func misfit(on machine: MachineResources, alreadyReserved: ResourceFootprint = .zero) -> String? {
        let freeRAM = machine.availableRAM - alreadyReserved.ram
        if ram > freeRAM { return "out of memory: needs \(ram) RAM, \(freeRAM) free" }
        guard gpuMemory > .zero else { return nil }
        guard let largest = machine.largestAvailableGPUMemory else { return "out of memory: needs \(gpuMemory) GPU memory, no GPU" }
        let freeGPU = largest - alreadyReserved.gpuMemory
        return gpuMemory > freeGPU ? "CUDA out of memory: needs \(gpuMemory), \(freeGPU) free" : nil
    }

    public static func + (lhs: ResourceFootprint, rhs: ResourceFootprint) -> ResourceFootprint {
        ResourceFootprint(ram: lhs.ram + rhs.ram, gpuMemory: lhs.gpuMemory + rhs.gpuMemory)
    }

    public var description: String {
        gpuMemory > .zero ? "\(ram) RAM + \(gpuMemory) GPU" : "\(ram) RAM"
    }
}
