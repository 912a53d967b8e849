public import RevoRuntime

/// Where memories live: the embedded default keeps them in process; RevoDrivers adds SQLite and PostgreSQL.
///
/// Writes are upserts keyed by ``MemoryEntry/id``, so a replayed write is harmless.
public protocol MemoryBackend: Sendable {
    /// A short name for health reports and traces (`primary`, `sqlite`, `postgres`...).
    var name: String { get }
    func store(_ entry: MemoryEntry) async throws(StoreError)
    func search(_ query: MemoryQuery) async throws(StoreError) -> [ScoredMemory]
    /// Counts a recall of `id` and folds `success` (if known) into its success score.
    func recordUsage(of id: String, success: Bool?) async throws(StoreError)
    func count() async throws(StoreError) -> Int
    /// Removes the given fraction of entries with the lowest retention score (oldest first among equals).
    func evictLowest(fraction: Double) async throws(StoreError) -> Int
    func entry(id: String) async throws(StoreError) -> MemoryEntry?
    /// What a call can wait on (see ``Cache/waits``): `.never` for an index in this process, whose calls run without a
    /// timeout; `.onAnything` by default.
    var waits: Waits { get }
    /// Bytes of this process's memory the backend holds; nil for one that lives elsewhere (the default).
    func residentBytes() async -> Int?
}

extension MemoryBackend {
    public var waits: Waits { .onAnything }
    public func residentBytes() async -> Int? { nil }
}
