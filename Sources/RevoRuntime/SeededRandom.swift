/// The one source of randomness in a simulation: xoshiro256** seeded from a 64-bit seed, splittable by name.
///
/// `split("faults")` derives a new stream from this stream's *seed* and the name (FNV-1a of the name, mixed by
/// SplitMix64), not from its current position. Drawing numbers from one component, or adding a new component,
/// therefore never shifts the numbers another component sees.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    /// The seed this stream was created from; stable for the life of the stream.
    public let seed: UInt64
    private var generator: Xoshiro256StarStar

    public init(seed: UInt64) {
        self.seed = seed
        self.generator = Xoshiro256StarStar(seed: seed)
    }

    public mutating func next() -> UInt64 {
        generator.next()
    }

    /// An independent stream for the named component.
    public func split(_ component: String) -> SeededRandom {
        SeededRandom(seed: SplitMix64.mix(seed ^ SplitMix64.mix(StableHash.of(component))))
    }

    /// A uniform double in [0, 1) with 53 bits of precision.
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with the given probability (clamped to 0...1).
    public mutating func chance(_ probability: Double) -> Bool {
        probability >= 1 || (probability > 0 && nextUnitInterval() < probability)
    }
}
