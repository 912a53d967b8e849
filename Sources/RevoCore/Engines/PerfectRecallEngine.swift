public import RevoRuntime
import Synchronization

/// The memory engine: stores what the system learns and recalls the most relevant of it, ranked by
/// 0.7·similarity + 0.2·success + 0.1·usage among matches with cosine similarity ≥ 0.7, in under 100 ms.
public final class PerfectRecallEngine: ManagedEngine {
    public struct Settings: Sendable, Equatable {
        public var minimumSimilarity: Double
        /// The original's target per recall; recalls over it are counted.
        public var recallTarget: Duration
        /// How long a recall result may be served from the cache.
        public var cacheTTL: Duration

        public init(minimumSimilarity: Double = 0.7, recallTarget: Duration = .milliseconds(100), cacheTTL: Duration = .seconds(60)) {
            self.minimumSimilarity = minimumSimilarity
            self.recallTarget = recallTarget
            self.cacheTTL = cacheTTL
        }
    }

    public struct StoreReceipt: Sendable, Equatable {
        public var id: String
        public var durability: MemoryManager.Durability
    }

    public struct RecallResult: Sendable, Equatable {
        public var memories: [ScoredMemory]
        public var queryTime: Duration
        public var withinTarget: Bool
        public var servedBy: MemoryManager.ServedBy
        public var fromCache: Bool
    }

    public struct Statistics: Sendable, Equatable, Codable {
        public var stores = 0
        public var recalls = 0
        public var recallsOverTarget = 0
        public var cacheHits = 0
    }

    public let memory: MemoryManager
    public let settings: Settings
    private let embedding: HashedEmbedding
    private let cache: GuardedCache?
    private let ids: IDSource
    private let clock: SystemClock
    /// Bumped by every store so cached recalls never hide a newer memory.
    private let generation = Mutex<UInt64>(0)
    private let statistics = Mutex(Statistics())
    public let lifecycle = EngineLifecycle()

    public init(
        memory: MemoryManager,
        embedding: HashedEmbedding = HashedEmbedding(),
        cache: GuardedCache? = nil,
        ids: IDSource,
        clock: SystemClock,
        settings: Settings = Settings()
    ) {
        self.memory = memory
        self.embedding = embedding
        self.cache = cache
        self.ids = ids
        self.clock = clock
        self.settings = settings
    }

    /// Stores `content`; it is found by text similar to `indexedBy` (default: the content itself), e.g. a chat
    /// exchange is indexed by its question, which is what later recalls ask.
    public func store(
        content: String,
        type: String,
        sessionID: String? = nil,
        metadata: [String: String] = [:],
        indexedBy: String? = nil
    ) async throws(StoreError) -> StoreReceipt {
        let entry = MemoryEntry(
            id: ids.next("mem"),
            content: content,
            type: type,
            sessionID: sessionID,
            metadata: metadata,
            createdAt: clock.now,
            embedding: embedding.embed(indexedBy ?? content)
        )
        let durability = try await memory.store(entry)
        generation.withLock { $0 &+= 1 }
        statistics.withLock { $0.stores += 1 }
        return StoreReceipt(id: entry.id, durability: durability)
    }

    public func recall(
        _ query: String,
        filter: MemoryFilter = MemoryFilter(),
        limit: Int = 10
    ) async throws(StoreError) -> RecallResult {
        let start = clock.now
        let key = cacheKey(query, filter: filter, limit: limit)
        if let cache, let cached = await cache.get(key), let decoded = CachedRecall(text: cached) {
            let memories = decoded.memories.map { ScoredMemory(entry: $0.entry, similarity: $0.similarity, score: $0.score) }
            return finish(memories, servedBy: decoded.servedBy, fromCache: true, start: start)
        }
        let search = MemoryQuery(
            embedding: embedding.embed(query),
            filter: filter,
            limit: limit,
            minimumSimilarity: settings.minimumSimilarity
        )
        let (memories, servedBy) = try await memory.search(search)
        if let cache {
            let cached = CachedRecall(memories: memories.map(CachedMemory.init), servedBy: servedBy)
            await cache.set(key, value: cached.text, ttl: settings.cacheTTL)
        }
        for found in memories { await memory.recordUsage(of: found.entry.id, success: nil) }
        return finish(memories, servedBy: servedBy, fromCache: false, start: start)
    }

    /// Feedback on a recalled memory: whether it helped.
    public func recordOutcome(of id: String, success: Bool) async {
        await memory.recordUsage(of: id, success: success)
    }

    public var stats: Statistics {
        statistics.withLock { $0 }
    }

    private func finish(_ memories: [ScoredMemory], servedBy: MemoryManager.ServedBy, fromCache: Bool, start: Duration) -> RecallResult {
        let elapsed = clock.now - start
        if !fromCache {
            switch servedBy {
            case .fallback: lifecycle.move(from: .active, to: .degraded, reason: "primary memory store down; recalls served by the fallback")
            case .primary: lifecycle.move(from: .degraded, to: .active)
            }
        }
        let within = elapsed <= settings.recallTarget
        statistics.withLock { s in
            s.recalls += 1
            if !within { s.recallsOverTarget += 1 }
            if fromCache { s.cacheHits += 1 }
        }
        return RecallResult(memories: memories, queryTime: elapsed, withinTarget: within, servedBy: servedBy, fromCache: fromCache)
    }

    private func cacheKey(_ query: String, filter: MemoryFilter, limit: Int) -> String {
        var hash = StableHash()
        hash.combine(generation.withLock { $0 })
        hash.combine(query)
        hash.combine(filter.type ?? "\u{0}")
        hash.combine(filter.sessionID ?? "\u{0}")
        hash.combine(filter.owner ?? "\u{0}")
        hash.combine(filter.createdBetween.map { "\($0.lowerBound.nanoseconds)-\($0.upperBound.nanoseconds)" } ?? "\u{0}")
        hash.combine(UInt64(limit))
        return "recall:" + hash.hex
    }
}
