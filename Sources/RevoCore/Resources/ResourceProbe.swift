/// Reads the machine's resources: RAM, GPU memory, CPU cores, and which native libraries load.
///
/// A real probe (reading /proc and the GPU driver) lives in RevoDrivers; simulations use a fake machine whose
/// resources change over virtual time.
public protocol ResourceProbe: Sendable {
    func resources() async -> MachineResources
}

/// A probe that always reports the same machine: the embedded default, and handy in tests.
public struct FixedResourceProbe: ResourceProbe {
    public var machine: MachineResources

    public init(_ machine: MachineResources) {
        self.machine = machine
    }

    public func resources() async -> MachineResources {
        machine
    }
}
