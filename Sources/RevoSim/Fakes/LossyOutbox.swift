public import RevoCore

/// A broken outbox that accepts every write and keeps none: the test-only switch (`outbox: false`) that lets a
/// scenario prove its `no_lost_writes` check fails when writes are acknowledged without being durable.
public struct LossyOutbox: MemoryOutbox {
    public init() {}

    public func append(_ entry: MemoryEntry) async throws(StoreError) -> UInt64 { 0 }
    public func pending(limit: Int) async throws(StoreError) -> [OutboxItem] { [] }
    public func acknowledge(through sequence: UInt64) async throws(StoreError) {}
    public func count() async throws(StoreError) -> Int { 0 }
}
