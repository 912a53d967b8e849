/// An in-process vector index: entries in insertion order, brute-force cosine search over one contiguous buffer of
/// embeddings.
///
/// 10,000 entries of 256 dimensions search in about a millisecond, well inside the 100 ms recall target, so no
/// approximate index is needed at the original's capacity.
public struct MemoryIndex: Sendable {
    private var entries: [MemoryEntry] = []
    private var positions: [String: Int] = [:]
    /// Row `i` holds entry `i`'s embedding when its length is ``width`` (zeros otherwise): a search reads this buffer
    /// rather than an array per entry.
    private var vectors: [Float] = []
    /// The length of the first entry's embedding; every row has it.
    private var width = 0

    public init() {}

    public var count: Int { entries.count }

    public mutating func upsert(_ entry: MemoryEntry) {
        if entries.isEmpty { width = entry.embedding.count }
        let row = entry.embedding.count == width ? entry.embedding : [Float](repeating: 0, count: width)
        if let position = positions[entry.id] {
            entries[position] = entry
            vectors.replaceSubrange(position * width..<(position + 1) * width, with: row)
        } else {
            positions[entry.id] = entries.count
            entries.append(entry)
            vectors.append(contentsOf: row)
        }
    }

    public func entry(id: String) -> MemoryEntry? {
        positions[id].map { entries[$0] }
    }

    /// The entries and their vectors, and the position of each id.
    public var residentBytes: Int {
        entries.reduce(0) { $0 + $1.residentBytes + 48 + $1.id.utf8.count } + vectors.count * 4
    }

    public func search(_ query: MemoryQuery) -> [ScoredMemory] {
        var found: [ScoredMemory] = []
        let dimensions = query.embedding.count
        vectors.withUnsafeBufferPointer { vectors in
            query.embedding.withUnsafeBufferPointer { embedding in
                for position in entries.indices where query.filter.matches(entries[position]) {
                    // A vector of another length is not comparable: similarity 0, as the cosine of unequal lengths.
                    let similarity: Double
                    if entries[position].embedding.count != dimensions {
                        similarity = 0
                    } else if dimensions == width {
                        similarity = Double(
                            HashedEmbedding.dot(UnsafeBufferPointer(rebasing: vectors[position * width..<(position + 1) * width]), embedding)
                        )
                    } else {
                        similarity = HashedEmbedding.cosine(query.embedding, entries[position].embedding)
                    }
                    guard similarity >= query.minimumSimilarity else { continue }
                    let entry = entries[position]
                    found.append(ScoredMemory(entry: entry, similarity: similarity, score: entry.rank(similarity: similarity)))
                }
            }
        }
        // Ties broken by id so the order never depends on anything but the data.
        found.sort { ($0.score, $1.entry.id) > ($1.score, $0.entry.id) }
        return Array(found.prefix(max(0, query.limit)))
    }

    public mutating func recordUsage(of id: String, success: Bool?) {
        guard let position = positions[id] else { return }
        entries[position].usageCount += 1
        if let success {
            // An exponential moving average keeps the score in 0...1 and lets recent outcomes count most.
            entries[position].successScore = 0.8 * entries[position].successScore + 0.2 * (success ? 1 : 0)
        }
    }

    /// Removes `fraction` of the entries with the lowest retention score; returns how many.
    public mutating func evictLowest(fraction: Double) -> Int {
        evict(fraction: fraction).count
    }

    /// Removes `fraction` of the entries with the lowest retention score; returns their ids, so a durable store can
    /// delete the same rows.
    public mutating func evict(fraction: Double) -> [String] {
        let victims = Int((Double(entries.count) * fraction).rounded(.up))
        guard victims > 0 else { return [] }
        let doomed = entries.indices
            .sorted { (entries[$0].retentionScore, $0) < (entries[$1].retentionScore, $1) }
            .prefix(victims)
        let doomedSet = Set(doomed)
        let removed = doomed.map { entries[$0].id }
        let kept = entries.indices.filter { !doomedSet.contains($0) }
        vectors = kept.flatMap { vectors[$0 * width..<($0 + 1) * width] }
        entries = kept.map { entries[$0] }
        positions = [:]
        for (position, entry) in entries.enumerated() { positions[entry.id] = position }
        return removed
    }
}

/// The embedded default backend: a ``MemoryIndex`` in this process.
public actor InMemoryMemoryBackend: MemoryBackend {
    public nonisolated let name: String
    public nonisolated var runsInProcess: Bool { true }
    private var index = MemoryIndex()

    public init(name: String = "in-process") {
        self.name = name
    }

    public func store(_ entry: MemoryEntry) throws(StoreError) {
        index.upsert(entry)
    }

    public func search(_ query: MemoryQuery) throws(StoreError) -> [ScoredMemory] {
        index.search(query)
    }

    public func recordUsage(of id: String, success: Bool?) throws(StoreError) {
        index.recordUsage(of: id, success: success)
    }

    public func count() throws(StoreError) -> Int {
        index.count
    }

    public func evictLowest(fraction: Double) throws(StoreError) -> Int {
        index.evictLowest(fraction: fraction)
    }

    public func entry(id: String) throws(StoreError) -> MemoryEntry? {
        index.entry(id: id)
    }

    public func residentBytes() -> Int? {
        index.residentBytes
    }
}
