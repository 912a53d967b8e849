public import RevoRuntime

/// The creative engine: 3–5 distinct solutions to a problem, each from a different ideation technique, generated
/// through the model manager and scored for novelty, feasibility and diversity from the solutions themselves.
///
/// The innovation level (1–10) sets how many techniques are in play: 2 up to level 3, 3 up to level 7, 6 above.
/// Scores: novelty = 1 − the highest cosine similarity to another solution; feasibility = how developed the solution
/// is (words / 40, capped at 1) discounted by its novelty (× (1 − 0.3·novelty)); diversity = mean pairwise
/// (1 − cosine). A solution too close to an earlier one (cosine > 0.9) is regenerated with another technique.
public final class CreativeEngine: ManagedEngine {
    /// Turns a prompt into text: the model manager in the system, anything in tests.
    public typealias Generator = @Sendable (String) async throws -> String

    public static let techniques = [
        "analogy", "combination", "inversion", "constraint removal", "first principles", "random stimulus",
        "morphological analysis", "SCAMPER",
    ]

    public struct Solution: Sendable, Equatable {
        public var technique: String
        public var text: String
        public var novelty: Double
        public var feasibility: Double
    }

    public struct Result: Sendable, Equatable {
        public var solutions: [Solution]
        /// Mean pairwise distance between the solutions.
        public var diversity: Double
        public var techniques: [String]
        public var generationTime: Duration
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case notReady(EngineState)
        case generationFailed(String)

        public var description: String {
            switch self {
            case .notReady(let state): "creative engine is not ready (\(state.rawValue))"
            case .generationFailed(let detail): "creative engine could not generate: \(detail)"
            }
        }
    }

    private let generator: Generator
    private let random: RandomSource
    private let clock: SystemClock
    private let embedding: HashedEmbedding
    public let lifecycle = EngineLifecycle()

    public init(generator: @escaping Generator, random: RandomSource, clock: SystemClock, embedding: HashedEmbedding = HashedEmbedding()) {
        self.generator = generator
        self.random = random
        self.clock = clock
        self.embedding = embedding
    }

    /// How many techniques an innovation level (clamped to 1...10) brings into play.
    public static func techniqueCount(innovationLevel: Int) -> Int {
        switch min(10, max(1, innovationLevel)) {
        case ...3: 2
        case 4...7: 3
        default: 6
        }
    }

    /// Generates `count` (clamped to 3...5; nil draws it from the seed) solutions to `problem`.
    public func solve(_ problem: String, innovationLevel: Int = 5, count: Int? = nil) async throws(Failure) -> Result {
        let state = engineState
        guard state.isReady else { throw .notReady(state) }
        let start = clock.now
        let wanted = min(5, max(3, count ?? (3 + random.int(in: 0..<3))))
        let techniques = random.withGenerator { Self.techniques.shuffled(using: &$0) }
        let inPlay = Array(techniques.prefix(Self.techniqueCount(innovationLevel: innovationLevel)))
        // Extra techniques to fall back on when a solution comes out as a near-copy of an earlier one.
        let spares = Array(techniques.dropFirst(inPlay.count))

        var drafts: [(technique: String, text: String, vector: [Float])] = []
        var spareIndex = 0
        var attempts = 0
        while drafts.count < wanted, attempts < wanted * 3 {
            let technique: String
            if attempts < wanted {
                technique = inPlay[attempts % inPlay.count]
            } else if spareIndex < spares.count {
                technique = spares[spareIndex]
                spareIndex += 1
            } else {
                technique = inPlay[attempts % inPlay.count]
            }
            attempts += 1
            let prompt = "Using \(technique), propose solution \(drafts.count + 1) of \(wanted) to: \(problem)"
            let text: String
            do {
                text = try await generator(prompt)
            } catch {
                throw .generationFailed("\(error)")
            }
            let vector = embedding.embed(text)
            if drafts.contains(where: { HashedEmbedding.cosine($0.vector, vector) > 0.9 }) { continue }
            drafts.append((technique, text, vector))
        }
        guard drafts.count >= 3 else { throw .generationFailed("only \(drafts.count) distinct solution(s) in \(attempts) tries") }

        var solutions: [Solution] = []
        var distances: [Double] = []
        for (index, draft) in drafts.enumerated() {
            let closest = drafts.indices.filter { $0 != index }.map { HashedEmbedding.cosine(draft.vector, drafts[$0].vector) }.max() ?? 0
            let novelty = min(1, max(0, 1 - closest))
            let developed = min(1, Double(HashedEmbedding.wordCount(of: draft.text)) / 40)
            solutions.append(Solution(technique: draft.technique, text: draft.text, novelty: novelty, feasibility: developed * (1 - 0.3 * novelty)))
            for other in drafts.indices where other > index {
                distances.append(1 - HashedEmbedding.cosine(draft.vector, drafts[other].vector))
            }
        }
        let diversity = distances.isEmpty ? 0 : distances.reduce(0, +) / Double(distances.count)
        return Result(solutions: solutions, diversity: diversity, techniques: inPlay, generationTime: clock.now - start)
    }
}
