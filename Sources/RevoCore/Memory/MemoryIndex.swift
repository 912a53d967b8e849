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
    /// The entries' share of ``residentBytes``, kept as entries come and go so a memory sample costs nothing.
    private var entryBytes = 0
    /// Rows of each session's entries in ascending order: a recall within one session reads only those.
    private var sessionRows: [String: [Int]] = [:]

    public init() {}

    public var count: Int { entries.count }

    public mutating func upsert(_ entry: MemoryEntry) {
        if entries.isEmpty { width = entry.embedding.count }
        let row = entry.embedding.count == width ? entry.embedding : [Float](repeating: 0, count: width)
        entryBytes += Self.bytes(of: entry)
        if let position = positions[entry.id] {
            entryBytes -= Self.bytes(of: entries[position])
            if entries[position].sessionID != entry.sessionID {
                if let old = entries[position].sessionID { sessionRows[old]?.removeAll { $0 == position } }
                if let new = entry.sessionID { Self.insert(position, into: &sessionRows[new, default: []]) }
            }
            entries[position] = entry
            vectors.replaceSubrange(position * width..<(position + 1) * width, with: row)
        } else {
            positions[entry.id] = entries.count
            if let session = entry.sessionID { sessionRows[session, default: []].append(entries.count) }
            entries.append(entry)
            vectors.append(contentsOf: row)
        }
    }

    public func entry(id: String) -> MemoryEntry? {
        positions[id].map { entries[$0] }
    }

    /// The entries and their vectors, and the position of each id.
    public var residentBytes: Int {
        entryBytes + vectors.count * 4
    }

    private static func insert(_ row: Int, into rows: inout [Int]) {
        let at = rows.firstIndex { $0 > row } ?? rows.endIndex
        rows.insert(row, at: at)
    }

    /// An entry, its id's slot in ``positions`` and the key's bytes.
    private static func bytes(of entry: MemoryEntry) -> Int {
        entry.residentBytes + 48 + entry.id.utf8.count
    }

    public func search(_ query: MemoryQuery) -> [ScoredMemory] {
        var found: [ScoredMemory] = []
        vectors.withUnsafeBufferPointer { vectors in
            query.embedding.withUnsafeBufferPointer { embedding in
                if let session = query.filter.sessionID {
                    for position in sessionRows[session] ?? [] {
                        score(position, query, embedding, vectors, into: &found)
                    }
                } else {
                    for position in entries.indices { score(position, query, embedding, vectors, into: &found) }
                }
            }
        }
        // Ties broken by id so the order never depends on anything but the data.
        found.sort { ($0.score, $1.entry.id) > ($1.score, $0.entry.id) }
        return Array(found.prefix(max(0, query.limit)))
    }

    /// Adds the entry in row `position` to `found` when it passes the filter and is similar enough.
    private func score(
        _ position: Int,
        _ query: MemoryQuery,
        _ embedding: UnsafeBufferPointer<Float>,
        _ vectors: UnsafeBufferPointer<Float>,
        into found: inout [ScoredMemory]
    ) {
        guard query.filter.matches(entries[position]) else { return }
        // A vector of another length is not comparable: similarity 0, as the cosine of unequal lengths. A query of the
        // rows' width needs no check of the entry's own length, which would read every entry's array: the row of an
        // entry of another length is zeros, so its dot product is that 0.
        let similarity: Double
        if embedding.count == width {
            similarity = Double(HashedEmbedding.dot(UnsafeBufferPointer(rebasing: vectors[position * width..<(position + 1) * width]), embedding))
        } else if entries[position].embedding.count != embedding.count {
            similarity = 0
        } else {
            similarity = HashedEmbedding.cosine(query.embedding, entries[position].embedding)
        }
        guard similarity >= query.minimumSimilarity else { return }
        let entry = entries[position]
        found.append(ScoredMemory(entry: entry, similarity: similarity, score: entry.rank(similarity: similarity)))
    }

    public mutating func recordUsage(of id: String, success: Bool?) {
        guard let position = positions[id] else { return }
        entries[position].recordUsage(success: success)
    }

    /// Removes `fraction` of the entries with the lowest retention score; returns how many.
    public mutating func evictLowest(fraction: Double) -> Int {
        evict(fraction: fraction).count
    }

    /// Removes `fraction` of the entries with the lowest retention score; returns their ids, so a durable store can
    /// delete the same rows.
    public mutating func evict(fraction: Double) -> [String] {
        let removed = lowest(fraction: fraction)
        remove(ids: removed)
        return removed
    }

    /// The ids of `fraction` of the entries, those with the lowest retention score, lowest first.
    public func lowest(fraction: Double) -> [String] {
        let victims = Int((Double(entries.count) * fraction).rounded(.up))
        guard victims > 0 else { return [] }
        return entries.indices
            .sorted { (entries[$0].retentionScore, $0) < (entries[$1].retentionScore, $1) }
            .prefix(victims)
            .map { entries[$0].id }
    }

    /// Removes the entries with these ids; an id not in the index is ignored.
    public mutating func remove(ids: [String]) {
        let doomed = Set(ids.compactMap { positions[$0] })
        guard !doomed.isEmpty else { return }
        let kept = entries.indices.filter { !doomed.contains($0) }
        vectors = kept.flatMap { vectors[$0 * width..<($0 + 1) * width] }
        entries = kept.map { entries[$0] }
        entryBytes = entries.reduce(0) { $0 + Self.bytes(of: $1) }
        positions = [:]
        sessionRows = [:]
        for (position, entry) in entries.enumerated() {
            positions[entry.id] = position
            if let session = entry.sessionID { sessionRows[session, default: []].append(position) }
        }
    }
}
