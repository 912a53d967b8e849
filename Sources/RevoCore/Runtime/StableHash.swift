/// FNV-1a, 64 bit (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
///
/// Used wherever a hash reaches an output or a decision: unlike Swift's `Hasher` it is not seeded per process,
/// so the same bytes give the same value in every run, on every machine.
public struct StableHash: Sendable, Hashable {
    public private(set) var value: UInt64

    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x100_0000_01b3

    public init(basis: UInt64 = StableHash.offsetBasis) {
        self.value = basis
    }

    public mutating func combine(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }

    public mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { combine(byte: byte) }
    }

    /// Little-endian bytes of the integer, so the encoding does not depend on the host.
    public mutating func combine(_ integer: UInt64) {
        var remaining = integer
        for _ in 0..<8 {
            combine(byte: UInt8(truncatingIfNeeded: remaining))
            remaining >>= 8
        }
    }

    public mutating func combine(_ integer: Int64) {
        combine(UInt64(bitPattern: integer))
    }

    /// The UTF-8 bytes of the string followed by a 0xff separator, so ("ab","c") and ("a","bc") differ.
    public mutating func combine(_ string: String) {
        combine(string.utf8)
        combine(byte: 0xff)
    }

    public static func of(_ string: String) -> UInt64 {
        var hash = StableHash()
        hash.combine(string.utf8)
        return hash.value
    }

    /// Sixteen lower-case hex digits.
    public var hex: String {
        value.fixedWidthHex
    }
}
