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
    /// Rows of each session's entries: a recall within one session reads only those.
    private var sessionRows = MemoryRowGroups()
    /// Rows of each account's entries, by ``account(of:)``: a recall of one account's memories reads only those.
    private var accountRows = MemoryRowGroups()

    public init() {}

    public var count: Int { entries.count }

    public mutating func upsert(_ entry: MemoryEntry) {
        if entries.isEmpty { width = entry.embedding.count }
        let row = entry.embedding.count == width ? entry.embedding : [Float](repeating: 0, count: width)
        entryBytes += Self.bytes(of: entry)
        if let position = positions[entry.id] {
            entryBytes -= Self.bytes(of: entries[position])
            if entries[position].sessionID != entry.sessionID {
                ungroup(position, sessionID: entries[position].sessionID)
                sessionRows.insert(position, into: entry.sessionID)
                accountRows.insert(position, into: Self.account(of: entry.sessionID))
            }
            entries[position] = entry
            vectors.replaceSubrange(position * width..<(position + 1) * width, with: row)
        } else {
            positions[entry.id] = entries.count
            group(entries.count, sessionID: entry.sessionID)
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

    /// Files a new row, numbered after every other, under its session and its account.
    private mutating func group(_ row: Int, sessionID: String?) {
        sessionRows.append(row, to: sessionID)
        accountRows.append(row, to: Self.account(of: sessionID))
    }

    private mutating func ungroup(_ row: Int, sessionID: String?) {
        sessionRows.remove(row, from: sessionID)
        accountRows.remove(row, from: Self.account(of: sessionID))
    }

    /// What a session id's first slash follows: the account it is scoped to (``MemoryFilter/ownScope(of:)``) when
    /// that account's id has no slash of its own.
    private static func account(of sessionID: String?) -> String? {
        guard let sessionID, let slash = sessionID.utf8.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        return String(sessionID[..<slash])
    }

    /// The only rows a query can match when an index narrows them, with the part of the filter those rows still need
    /// checked (nil: none). Rows nil: every row must be read.
    private func candidates(_ filter: MemoryFilter) -> (rows: [Int]?, rest: MemoryFilter?) {
        var rest = filter
        var rows: [Int]?
        if let session = filter.sessionID {
            // Every row of the group has this session id, so an owner either owns them all or none.
            if let owner = filter.owner, !MemoryFilter.isScoped(session, to: owner) { return ([], nil) }
            (rows, rest.sessionID, rest.owner) = (sessionRows[session] ?? [], nil, nil)
        } else if let owner = filter.owner, !owner.utf8.contains(UInt8(ascii: "/")) {
            // An owner without a slash owns exactly the session ids whose first slash follows it.
            (rows, rest.owner) = (accountRows[owner] ?? [], nil)
        }
        return (rows, rest == MemoryFilter() ? nil : rest)
    }

    /// An entry, its id's slot in ``positions`` and the key's bytes.
    private static func bytes(of entry: MemoryEntry) -> Int {
        entry.residentBytes + 48 + entry.id.utf8.count
    }

    public func search(_ query: MemoryQuery) -> [ScoredMemory] {
        var found: [ScoredMemory] = []
        vectors.withUnsafeBufferPointer { vectors in
            query.embedding.withUnsafeBufferPointer { embedding in
                let (rows, filter) = candidates(query.filter)
                if let rows {
                    for position in rows { score(position, filter, query, embedding, vectors, into: &found) }
                } else {
                    for position in entries.indices { score(position, filter, query, embedding, vectors, into: &found) }
                }
            }
        }
        // Ties broken by id so the order never depends on anything but the data.
        found.sort { ($0.score, $1.entry.id) > ($1.score, $0.entry.id) }
        return Array(found.prefix(max(0, query.limit)))
    }

    /// Adds the entry in row `position` to `found` when it passes `filter` (nil: nothing left to check) and is similar
    /// enough.
    private func score(
        _ position: Int,
        _ filter: MemoryFilter?,
        _ query: MemoryQuery,
        _ embedding: UnsafeBufferPointer<Float>,
        _ vectors: UnsafeBufferPointer<Float>,
        into found: inout [ScoredMemory]
    ) {
        if let filter, !filter.matches(entries[position]) { return }
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
        sessionRows.removeAll()
        accountRows.removeAll()
        for (position, entry) in entries.enumerated() {
            positions[entry.id] = position
            group(position, sessionID: entry.sessionID)
        }
    }
}
