import Synchronization

/// A seeded random stream shared by the concurrent parts of one component.
///
/// In a simulation every draw happens on one thread in a reproducible order, so the numbers each caller gets are
/// reproducible too. Production seeds it once at start-up (from the command line or the OS) and logs the seed.
public final class RandomSource: Sendable {
    private let generator: Mutex<SeededRandom>
    public let seed: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        self.generator = Mutex(SeededRandom(seed: seed))
    }

    public init(_ random: SeededRandom) {
        self.seed = random.seed
        self.generator = Mutex(random)
    }

    /// An independent source for a sub-component; see ``SeededRandom/split(_:)``.
    public func split(_ component: String) -> RandomSource {
        RandomSource(SeededRandom(seed: seed).split(component))
    }

    public func next() -> UInt64 {
        generator.withLock { $0.next() }
    }

    /// Uniform in [0, 1).
    public func unitInterval() -> Double {
        generator.withLock { $0.nextUnitInterval() }
    }

    public func chance(_ probability: Double) -> Bool {
        generator.withLock { $0.chance(probability) }
    }

    public func int(in range: Range<Int>) -> Int {
        generator.withLock { Int.random(in: range, using: &$0) }
    }

    /// Runs `body` with exclusive use of the generator, for draws that must not interleave with other callers.
    public func withGenerator<T>(_ body: (inout SeededRandom) -> T) -> T {
        generator.withLock { body(&$0) }
    }
}
