#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Identifiers drawn from a seeded stream: the same seed gives the same sequence of ids in every run.
public struct DeterministicIDs: Sendable {
    private var random: SeededRandom

    public init(random: SeededRandom) {
        self.random = random
    }

    /// A version-4-shaped UUID whose 122 random bits come from the seeded stream.
    public mutating func nextUUID() -> UUID {
        let high = random.next()
        let low = random.next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(index)))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(index)))
        }
        bytes[6] = (bytes[6] & 0x0f) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3f) | 0x80  // RFC 4122 variant
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            )
        )
    }

    /// A short id such as `req-3f9a1c0b2d4e5f60`: a prefix and 64 random bits in hex.
    public mutating func next(prefix: String) -> String {
        nextBits().fixedWidthHex(after: prefix)
    }

    /// The 64 bits of the next short id, so that a caller can write the id outside whatever lock guards this stream.
    mutating func nextBits() -> UInt64 {
        var hash = StableHash(basis: random.next())
        hash.combine(byte: 0)
        return hash.value
    }
}
