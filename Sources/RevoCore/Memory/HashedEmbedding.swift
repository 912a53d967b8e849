/// Deterministic text embeddings by the hashing trick, so recall needs no model and gives the same vectors everywhere.
///
/// Features of the lower-cased text: every word (weight 1.0), every pair of adjacent words (0.5), and every character
/// trigram of every word padded with `^`/`$` (0.25). Each feature is hashed with FNV-1a 64 (``StableHash``); the low
/// bits pick one of ``dimensions`` slots, the top bit the sign. The vector is L2-normalised, so cosine similarity is a
/// dot product. Never Swift's `Hasher`: it is seeded per process.
public struct HashedEmbedding: Sendable {
    public let dimensions: Int

    public init(dimensions: Int = 256) {
        precondition(dimensions > 0, "an embedding needs at least one dimension")
        self.dimensions = dimensions
    }

    public func embed(_ text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: dimensions)
        let words = Self.words(of: text)
        for word in words { add(word, weight: 1.0, to: &vector) }
        for (first, second) in zip(words, words.dropFirst()) { add(first + " " + second, weight: 0.5, to: &vector) }
        for word in words {
            let padded = Array("^" + word + "$")
            guard padded.count >= 3 else { continue }
            for start in 0...(padded.count - 3) { add("#" + String(padded[start..<start + 3]), weight: 0.25, to: &vector) }
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return vector }
        return vector.map { $0 / norm }
    }

    /// Cosine similarity of two normalised vectors of the same length.
    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count else { return 0 }
        var dot: Float = 0
        for index in a.indices { dot += a[index] * b[index] }
        return Double(dot)
    }

    /// Lower-cased runs of letters and digits.
    static func words(of text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    private func add(_ feature: String, weight: Float, to vector: inout [Float]) {
        let hash = StableHash.of(feature)
        let slot = Int(hash % UInt64(dimensions))
        vector[slot] += (hash >> 63) == 0 ? weight : -weight
    }
}
