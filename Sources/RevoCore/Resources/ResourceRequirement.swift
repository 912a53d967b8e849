/// What a model needs from the machine before the manager will try to load it.
///
/// The defaults are the seed's rules: DeepSeek R1 needs more than 4 GB of available RAM; Llama needs a GPU with
/// more than 16 GB or, on the CPU, more than 32 GB of RAM; API models and the mock need nothing.
public indirect enum ResourceRequirement: Sendable, Equatable, CustomStringConvertible {
    case none
    case availableRAM(above: ByteCount)
    case gpuMemory(above: ByteCount)
    case anyOf([ResourceRequirement])
    case allOf([ResourceRequirement])

    /// Nil when satisfied, otherwise why not, in words a person can act on.
    public func unmetReason(on machine: MachineResources) -> String? {
        switch self {
        case .none:
            return nil
        case .availableRAM(let above):
            return machine.availableRAM > above ? nil : "needs more than \(above) available RAM, \(machine.availableRAM) available"
        case .gpuMemory(let above):
            guard let largest = machine.largestAvailableGPUMemory else { return "needs a GPU with more than \(above), none present" }
            return largest > above ? nil : "needs a GPU with more than \(above), largest has \(largest) free"
        case .anyOf(let options):
            let reasons = options.map { $0.unmetReason(on: machine) }
            return reasons.contains { $0 == nil } ? nil : reasons.compactMap { $0 }.joined(separator: "; or ")
        case .allOf(let parts):
            let reasons = parts.compactMap { $0.unmetReason(on: machine) }
            return reasons.isEmpty ? nil : reasons.joined(separator: "; and ")
        }
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .availableRAM(let above): "RAM > \(above)"
        case .gpuMemory(let above): "GPU > \(above)"
        case .anyOf(let options): "(" + options.map(\.description).joined(separator: " or ") + ")"
        case .allOf(let parts): "(" + parts.map(\.description).joined(separator: " and ") + ")"
        }
    }
}
