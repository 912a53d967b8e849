/// An amount of memory. Printed in decimal gigabytes with one decimal, as people quote RAM and VRAM.
public struct ByteCount: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var bytes: Int64

    public init(bytes: Int64) {
        self.bytes = bytes
    }

    public static func gigabytes(_ value: Double) -> ByteCount {
        ByteCount(bytes: Int64((value * 1_000_000_000).rounded()))
    }

    public static func megabytes(_ value: Double) -> ByteCount {
        ByteCount(bytes: Int64((value * 1_000_000).rounded()))
    }

    public static let zero = ByteCount(bytes: 0)

    public var gigabytes: Double {
        Double(bytes) / 1_000_000_000
    }

    public static func < (lhs: ByteCount, rhs: ByteCount) -> Bool { lhs.bytes < rhs.bytes }
    public static func + (lhs: ByteCount, rhs: ByteCount) -> ByteCount { ByteCount(bytes: lhs.bytes + rhs.bytes) }
    public static func - (lhs: ByteCount, rhs: ByteCount) -> ByteCount { ByteCount(bytes: lhs.bytes - rhs.bytes) }

    public var description: String {
        let tenths = (Double(bytes) / 100_000_000).rounded()
        let whole = Int64(tenths) / 10
        let fraction = abs(Int64(tenths) % 10)
        return "\(tenths < 0 && whole == 0 ? "-" : "")\(whole).\(fraction) GB"
    }
}
