import Foundation
public import RevoCore

/// This machine's memory, read from `/proc/meminfo` on every call, and its cores. No GPUs and no native model
/// libraries: in production every model is served over HTTP by another process, whose resources are its own.
public struct SystemResourceProbe: ResourceProbe {
    public init() {}

    public func resources() async -> MachineResources {
        let text = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        func kilobytes(_ field: String) -> Int64? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Int64($0) }
        }
        let physical = Int64(ProcessInfo.processInfo.physicalMemory)
        let total = kilobytes("MemTotal").map { $0 * 1024 } ?? physical
        let available = kilobytes("MemAvailable").map { $0 * 1024 } ?? total
        return MachineResources(
            totalRAM: ByteCount(bytes: total),
            availableRAM: ByteCount(bytes: available),
            cpuCores: ProcessInfo.processInfo.activeProcessorCount
        )
    }
}
