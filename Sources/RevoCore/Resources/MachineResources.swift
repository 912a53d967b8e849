/// What the machine offers the model manager right now.
public struct MachineResources: Sendable, Equatable {
    /// One GPU's memory.
    public struct GPU: Sendable, Equatable {
        public var name: String
        public var totalMemory: ByteCount
        public var availableMemory: ByteCount

        public init(name: String, totalMemory: ByteCount, availableMemory: ByteCount) {
            self.name = name
            self.totalMemory = totalMemory
            self.availableMemory = availableMemory
        }
    }

    public var totalRAM: ByteCount
    public var availableRAM: ByteCount
    public var gpus: [GPU]
    public var cpuCores: Int
    /// Native libraries that load on this machine (e.g. `torch`, `transformers`, `cuda`), sorted.
    public var nativeLibraries: [String]

    public init(totalRAM: ByteCount, availableRAM: ByteCount, gpus: [GPU] = [], cpuCores: Int, nativeLibraries: [String] = []) {
        self.totalRAM = totalRAM
        self.availableRAM = availableRAM
        self.gpus = gpus
        self.cpuCores = cpuCores
        self.nativeLibraries = nativeLibraries.sorted()
    }

    /// The most free memory on any single GPU (a model is placed on one device).
    public var largestAvailableGPUMemory: ByteCount? {
        gpus.map(\.availableMemory).max()
    }

    public func hasLibrary(_ name: String) -> Bool {
        nativeLibraries.contains(name)
    }
}
