public import RevoCore

/// A planted bug for proving that swarm testing finds what the scenario library misses: an outbox that drops the
/// writes appended while the cache is in an outage (as if it deduplicated them through the cache). Each fault alone is
/// harmless; only a cache outage that overlaps a memory outage loses acknowledged writes. Test-only
/// (`planted_bug: outbox_drops_during_cache_outage`).
public struct CacheCoupledOutbox: MemoryOutbox {
    private let kept: InMemoryOutbox
    private let faults: FaultInjector

    public init(faults: FaultInjector) {
        self.kept = InMemoryOutbox()
        self.faults = faults
    }

    public func append(_ entry: MemoryEntry) async throws(StoreError) -> UInt64 {
        let cacheDown = faults.active(.cache).contains { if case .outage = $0.kind { true } else { false } }
        return cacheDown ? 0 : try kept.append(entry)
    }

    public func pending(limit: Int) async throws(StoreError) -> [OutboxItem] { try kept.pending(limit: limit) }
    public func acknowledge(through sequence: UInt64) async throws(StoreError) { try kept.acknowledge(through: sequence) }
    public func count() async throws(StoreError) -> Int { try kept.count() }
    public func residentBytes() async -> Int? { await kept.residentBytes() }
}
