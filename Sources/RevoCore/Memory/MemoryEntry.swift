/// One remembered item.
public struct MemoryEntry: Sendable, Equatable, Codable {
    /// Unique and deterministic (drawn from the seeded id stream); also the idempotency key of its write, so replaying
    /// a write that already landed changes nothing.
    public var id: String
    public var content: String
    /// What kind of memory: `conversation`, `code`, `knowledge`, `task`...
    public var type: String
    public var sessionID: String?
    /// Extra fields; encoded with sorted keys wherever it is written out.
    public var metadata: [String: String]
    /// Clock time of the store.
    public var createdAt: Duration
    public var embedding: [Float]
    /// 0...1: how useful this memory proved when recalled.
    public var successScore: Double
    public var usageCount: Int

    /// One more use; `success`, when known, moves the success score.
    public mutating func recordUsage(success: Bool?) {
        usageCount += 1
        if let success {
            // An exponential moving average keeps the score in 0...1 and lets recent outcomes count most.
            successScore = 0.8 * successScore + 0.2 * (success ? 1 : 0)
        }
    }

    /// What the entry holds in memory: its strings' bytes, its vector, and a fixed allowance for the structure.
    public var residentBytes: Int {
        let metadataBytes = metadata.reduce(0) { $0 + 32 + $1.key.utf8.count + $1.value.utf8.count }
        return 96 + id.utf8.count + content.utf8.count + type.utf8.count + (sessionID?.utf8.count ?? 0) + metadataBytes + embedding.count * 4
    }

    public init(
        id: String,
        content: String,
        type: String,
        sessionID: String? = nil,
        metadata: [String: String] = [:],
        createdAt: Duration,
        embedding: [Float],
        successScore: Double = 0.5,
        usageCount: Int = 0
    ) {
        self.id = id
        self.content = content
        self.type = type
        self.sessionID = sessionID
        self.metadata = metadata
        self.createdAt = createdAt
        self.embedding = embedding
        self.successScore = successScore
        self.usageCount = usageCount
    }

    /// Usage on a 0...1 scale: saturates at 100 recalls.
    public var usageScore: Double {
        Double(min(usageCount, 100)) / 100
    }

    /// The original's ranking: 0.7·similarity + 0.2·success + 0.1·usage.
    public func rank(similarity: Double) -> Double {
        0.7 * similarity + 0.2 * successScore + 0.1 * usageScore
    }

    /// What eviction keeps: the ranking without similarity.
    public var retentionScore: Double {
        0.2 * successScore + 0.1 * usageScore
    }
}

/// Which memories a recall considers.
public struct MemoryFilter: Sendable, Equatable {
    public var type: String?
    public var sessionID: String?
    /// Only the memories of this account (a user id): those whose session id lies in the account's scope, `owner/…`,
    /// as the server scopes every memory an account stores. nil: every memory (callers without accounts).
    public var owner: String?
    /// Clock times, inclusive.
    public var createdBetween: ClosedRange<Duration>?

    public init(type: String? = nil, sessionID: String? = nil, owner: String? = nil, createdBetween: ClosedRange<Duration>? = nil) {
        self.type = type
        self.sessionID = sessionID
        self.owner = owner
        self.createdBetween = createdBetween
    }

    public func matches(_ entry: MemoryEntry) -> Bool {
        if let type, entry.type != type { return false }
        if let sessionID, entry.sessionID != sessionID { return false }
        if let owner, !Self.isScoped(entry.sessionID, to: owner) { return false }
        if let createdBetween, !createdBetween.contains(entry.createdAt) { return false }
        return true
    }

    /// The session id of a memory `owner` stores without one: the account's scope itself, so that the memory is the
    /// account's and no other's.
    public static func ownScope(of owner: String) -> String {
        owner + "/"
    }

    /// Whether `sessionID` is `owner/` or `owner/…`.
    static func isScoped(_ sessionID: String?, to owner: String) -> Bool {
        sessionID?.lies(inScope: owner) ?? false
    }
}

/// A memory found by a recall, with why it ranked where it did.
public struct ScoredMemory: Sendable, Equatable {
    public var entry: MemoryEntry
    public var similarity: Double
    public var score: Double
}

/// A similarity search.
public struct MemoryQuery: Sendable, Equatable {
    public var embedding: [Float]
    public var filter: MemoryFilter
    public var limit: Int
    /// Matches below this cosine similarity are dropped (the original keeps ≥ 0.7).
    public var minimumSimilarity: Double

    public init(embedding: [Float], filter: MemoryFilter = MemoryFilter(), limit: Int = 10, minimumSimilarity: Double = 0.7) {
        self.embedding = embedding
        self.filter = filter
        self.limit = limit
        self.minimumSimilarity = minimumSimilarity
    }
}
