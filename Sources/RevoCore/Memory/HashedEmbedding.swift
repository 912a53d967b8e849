import RevoRuntime

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
        embed(text, bytewise: text.isAllASCII)
    }

    /// `bytewise` reads ASCII text by bytes; the result is the same either way (a test holds the two to it).
    func embed(_ text: String, bytewise: Bool) -> [Float] {
        var vector = [Float](repeating: 0, count: dimensions)
        if bytewise {
            addASCIIFeatures(of: text, to: &vector)
        } else {
            let words = Self.words(of: text)
            for word in words { add(word, weight: 1.0, to: &vector) }
            for (first, second) in zip(words, words.dropFirst()) { add(first + " " + second, weight: 0.5, to: &vector) }
            for word in words {
                let padded = Array("^" + word + "$")
                guard padded.count >= 3 else { continue }
                for start in 0...(padded.count - 3) { add("#" + String(padded[start..<start + 3]), weight: 0.25, to: &vector) }
            }
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return vector }
        // Divided in place: `map` made a second vector.
        vector.withUnsafeMutableBufferPointer { vector in
            for index in vector.indices { vector[index] /= norm }
        }
        return vector
    }

    /// The same features, in the same order, as the general path, for ASCII text: each word is copied once, lower-cased
    /// and padded as `^word$`, and each feature is hashed as it is read from those bytes, without a string per feature.
    private func addASCIIFeatures(of text: String, to vector: inout [Float]) {
        var padded: [UInt8] = []
        padded.reserveCapacity(text.utf8.count * 2 + 2)
        // Each word's letters in `padded`, between its `^` and its `$`.
        var words: [Range<Int>] = []
        var inWord = false
        var start = 0
        // Read from the string's contiguous bytes: its UTF-8 view's iterator decodes an index per byte.
        var text = text
        text.withUTF8 { utf8 in
            for byte in utf8 {
                let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
                let isWord = (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || (lower >= UInt8(ascii: "0") && lower <= UInt8(ascii: "9"))
                if isWord {
                    if !inWord {
                        padded.append(UInt8(ascii: "^"))
                        start = padded.count
                    }
                    padded.append(lower)
                } else if inWord {
                    words.append(start..<padded.count)
                    padded.append(UInt8(ascii: "$"))
                }
                inWord = isWord
            }
        }
        if inWord {
            words.append(start..<padded.count)
            padded.append(UInt8(ascii: "$"))
        }
        let dimensions = UInt64(self.dimensions)
        // The slot is the hash modulo the dimensions; for a power of two (the default 256) a mask gives it without a
        // division.
        let isPowerOfTwo = dimensions.nonzeroBitCount == 1
        let mask = dimensions &- 1
        padded.withUnsafeBufferPointer { bytes in
            vector.withUnsafeMutableBufferPointer { vector in
                // Inlined into each loop below: called once per feature, three or so per byte of text.
                @inline(__always) func add(_ hash: UInt64, _ weight: Float) {
                    let slot = isPowerOfTwo ? hash & mask : hash % dimensions
                    vector[Int(slot)] += (hash >> 63) == 0 ? weight : -weight
                }
                var wordHashes: [UInt64] = []
                wordHashes.reserveCapacity(words.count)
                for word in words {
                    let hash = Self.fnv(bytes, word, from: StableHash.offsetBasis)
                    wordHashes.append(hash)
                    add(hash, 1.0)
                }
                for pair in words.indices.dropLast() {
                    var spaced = StableHash(basis: wordHashes[pair])
                    spaced.combine(byte: UInt8(ascii: " "))
                    add(Self.fnv(bytes, words[pair + 1], from: spaced.value), 0.5)
                }
                // Trigrams of "^word$", each hashed after a "#".
                var hashMark = StableHash()
                hashMark.combine(byte: UInt8(ascii: "#"))
                for word in words {
                    for first in (word.lowerBound - 1)..<(word.upperBound - 1) {
                        add(Self.fnv(bytes, first..<first + 3, from: hashMark.value), 0.25)
                    }
                }
            }
        }
    }

    /// FNV-1a 64 of `bytes[range]` continued from `hash`: ``StableHash``'s steps, here in this module, where they are
    /// inlined into the loop over every feature; its generic `combine` is called across modules.
    private static func fnv(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, from hash: UInt64) -> UInt64 {
        var hash = hash
        for index in range { hash = (hash ^ UInt64(bytes[index])) &* StableHash.prime }
        return hash
    }

    /// Cosine similarity of two normalised vectors of the same length.
    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count else { return 0 }
        return a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in Double(dot(a, b)) } }
    }

    /// The dot product of two vectors of the same length, eight lanes at a time: every similarity in Revo is computed
    /// here, so each backend ranks the same entries the same way.
    @inlinable
    public static func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        let count = min(a.count, b.count)
        guard count > 0, let left = a.baseAddress, let right = b.baseAddress else { return 0 }
        var lanes = SIMD8<Float>()
        var index = 0
        while index + 8 <= count {
            let x = UnsafeRawPointer(left + index).loadUnaligned(as: SIMD8<Float>.self)
            let y = UnsafeRawPointer(right + index).loadUnaligned(as: SIMD8<Float>.self)
            lanes += x * y
            index += 8
        }
        var sum = lanes.sum()
        while index < count {
            sum += left[index] * right[index]
            index += 1
        }
        return sum
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

    /// How many words ``words(of:)`` finds, counted over the bytes when the text is ASCII: no lower-cased copy, no
    /// string per word.
    static func wordCount(of text: String) -> Int {
        var copy = text
        let ascii = copy.withUTF8 { utf8 -> Int? in
            var count = 0
            var inWord = false
            for byte in utf8 {
                guard byte < 0x80 else { return nil }
                let isWord =
                    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                if isWord, !inWord { count += 1 }
                inWord = isWord
            }
            return count
        }
        return ascii ?? words(of: text).count
    }

    private func add(_ feature: String, weight: Float, to vector: inout [Float]) {
        add(hash: StableHash.of(feature), weight: weight, to: &vector)
    }

    private func add(hash: UInt64, weight: Float, to vector: inout [Float]) {
        let slot = Int(hash % UInt64(dimensions))
        vector[slot] += (hash >> 63) == 0 ? weight : -weight
    }
}
