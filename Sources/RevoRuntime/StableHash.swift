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
        // Through the contiguous buffer when there is one (a native string's UTF-8): stepping a string's UTF-8 view
        // generically costs several times the hash itself.
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            var value = self.value
            for byte in buffer { value = (value ^ UInt64(byte)) &* Self.prime }
            self.value = value
        }
        if done == nil {
            for byte in bytes { combine(byte: byte) }
        }
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
        var string = string
        string.withUTF8 { combine($0) }
        combine(byte: 0xff)
    }

    public static func of(_ string: String) -> UInt64 {
        var hash = StableHash()
        var string = string
        string.withUTF8 { hash.combine($0) }
        return hash.value
    }

    /// Folds `string`'s UTF-8 eight bytes at a time (little-endian words, then the remaining bytes, then 0xff): not
    /// FNV-1a, a fraction of its cost for long texts whose hash only seeds a choice (a fake model's words).
    public mutating func combine(wordsOf string: String) {
        var string = string
        var value = self.value
        string.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            var offset = 0
            while offset + 8 <= raw.count {
                value = (value ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) &* Self.prime
                value ^= value >> 29
                offset += 8
            }
            while offset < raw.count {
                value = (value ^ UInt64(raw[offset])) &* Self.prime
                offset += 1
            }
        }
        self.value = value
        combine(byte: 0xff)
    }

    /// Sixteen lower-case hex digits.
    public var hex: String {
        value.fixedWidthHex
    }
}
