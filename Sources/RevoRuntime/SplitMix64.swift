/// SplitMix64 (Steele, Lea & Flood 2014): a tiny generator used to expand one 64-bit seed into the
/// 256-bit state of ``Xoshiro256StarStar`` and to derive the seeds of split streams.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return Self.mix(state)
    }

    /// The SplitMix64 output function: a bijective avalanche of one 64-bit value. Inlinable: other modules call it in
    /// loops (a fake model's word per token).
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
