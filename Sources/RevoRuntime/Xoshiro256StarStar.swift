/// xoshiro256** 1.0 (Blackman & Vigna 2018), seeded through ``SplitMix64`` as its authors recommend.
///
/// Fast, 2^256 − 1 period, and its output sequence is fixed by this file, not by the Swift runtime,
/// so a seed means the same numbers on every platform and every Swift version.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    public init(seed: UInt64) {
        var expander = SplitMix64(seed: seed)
        s0 = expander.next()
        s1 = expander.next()
        s2 = expander.next()
        s3 = expander.next()
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// `k` is 7 or 45: masking shifts, without the checks a shift by any amount needs.
    @inline(__always)
    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x &<< k) | (x &>> (64 - k))
    }
}
