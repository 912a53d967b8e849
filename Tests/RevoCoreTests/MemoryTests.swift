import RevoRuntime
import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Memory: embeddings, recall ranking, capacity")
struct MemoryRecallTests {
    @Test("ASCII text read by bytes embeds exactly as read by characters", arguments: [256, 100])
    func bytewiseEmbedding(dimensions: Int) {
        let embedding = HashedEmbedding(dimensions: dimensions)
        let texts = Self.texts(
            ["", "a", "I", "x2", "Hello, World! x2", "  leading and trailing  ", "[12] about rate-limits: how the API-keys work?"],
            alphabet: "abcXYZ019 ,.-_!?\t\n'\"",
            seed: 9
        )
        for text in texts {
            #expect(embedding.embed(text, bytewise: true) == embedding.embed(text, bytewise: false), "\(text)")
        }
    }

    @Test("words are counted by bytes exactly as they are split by characters")
    func wordCount() {
        let texts = Self.texts(
            ["", "a", "x2", "Hello, World! x2", "  leading and trailing  ", "crème brûlée 2 ways", "\r\n\r\n"],
            alphabet: "abcXYZ019 ,.-_!?\t\r\n'\"é",
            seed: 11
        )
        for text in texts {
            #expect(HashedEmbedding.wordCount(of: text) == HashedEmbedding.words(of: text).count, "\(text)")
        }
    }

    /// `fixed`, then 300 texts of up to 59 characters drawn from `alphabet`.
    private static func texts(_ fixed: [String], alphabet: String, seed: UInt64) -> [String] {
        var random = SeededRandom(seed: seed)
        let characters = Array(alphabet)
        return fixed
            + (0..<300).map { _ in
                String((0..<Int(random.next() % 60)).map { _ in characters[Int(random.next() % UInt64(characters.count))] })
            }
    }

    @Test("the eight-lane dot product is the sum of the products, for every length")
    func dotProduct() {
        for count in [0, 1, 7, 8, 9, 31, 256] {
            let a = (0..<count).map { Float($0 % 5) - 2 }
            let b = (0..<count).map { Float($0 % 3) + 0.5 }
            let expected = zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            let dot = a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { HashedEmbedding.dot(a, $0) } }
            #expect(dot == expected, "length \(count)")
        }
    }

    @Test("embeddings are deterministic, normalised, and similar texts score higher than unrelated ones")
    func embeddings() {
        let embedding = HashedEmbedding()
        let a = embedding.embed("How do I configure the PostgreSQL connection pool?")
        #expect(a == embedding.embed("How do I configure the PostgreSQL connection pool?"))
        let norm = a.reduce(0) { $0 + $1 * $1 }
        #expect(abs(norm - 1) < 1e-5)
        let similar = HashedEmbedding.cosine(a, embedding.embed("how to configure the postgresql connection pool"))
        let unrelated = HashedEmbedding.cosine(a, embedding.embed("the cat sat on the mat in the sun"))
        #expect(similar >= 0.7)
        #expect(unrelated < 0.3)
        #expect(HashedEmbedding.words(of: "Hello, World! x2") == ["hello", "world", "x2"])
    }

    @Test("recall keeps matches with similarity ≥ 0.7 ranked by 0.7·similarity + 0.2·success + 0.1·usage")
    func rankingAndThreshold() throws {
        let fixture = MemoryFixture()
        let result = try fixture.run {
            let first = try await fixture.engine.store(content: "configure the postgresql connection pool size", type: "knowledge")
            let second = try await fixture.engine.store(content: "configure the postgresql connection pool size", type: "knowledge")
            _ = try await fixture.engine.store(content: "bake bread with sourdough starter", type: "knowledge")
            // Make the second one proven useful: it must now outrank its identical twin.
            for _ in 0..<5 { await fixture.engine.recordOutcome(of: second.id, success: true) }
            let recall = try await fixture.engine.recall("configure postgresql connection pool size")
            return (first.id, second.id, recall)
        }
        let (firstID, secondID, recall) = result
        #expect(recall.memories.map(\.entry.id) == [secondID, firstID])
        #expect(recall.memories.allSatisfy { $0.similarity >= 0.7 })
        let top = recall.memories[0]
        #expect(abs(top.score - (0.7 * top.similarity + 0.2 * top.entry.successScore + 0.1 * top.entry.usageScore)) < 1e-9)
        #expect(recall.servedBy == .primary)
        #expect(recall.withinTarget)
    }

    @Test("filters by type, session and time range")
    func filters() throws {
        let fixture = MemoryFixture()
        let counts = try fixture.run {
            _ = try await fixture.engine.store(content: "deploy the backend with docker", type: "code", sessionID: "s1")
            try await fixture.clock.sleep(for: .seconds(10))
            _ = try await fixture.engine.store(content: "deploy the backend with docker", type: "conversation", sessionID: "s2")
            let query = "deploy the backend with docker"
            return [
                try await fixture.engine.recall(query).memories.count,
                try await fixture.engine.recall(query, filter: MemoryFilter(type: "code")).memories.count,
                try await fixture.engine.recall(query, filter: MemoryFilter(sessionID: "s2")).memories.count,
                try await fixture.engine.recall(query, filter: MemoryFilter(createdBetween: .seconds(5)...(.seconds(20)))).memories.count,
                try await fixture.engine.recall(query, limit: 1).memories.count,
            ]
        }
        #expect(counts == [2, 1, 1, 1, 1])
    }

    @Test("beyond capacity the lowest 10% by retention score are evicted")
    func eviction() throws {
        let fixture = MemoryFixture(settings: MemoryManager.Settings(capacity: 20))
        let (count, evicted, keeperFound) = try fixture.run {
            let keeper = try await fixture.engine.store(content: "keep me", type: "knowledge")
            for _ in 0..<3 { await fixture.engine.recordOutcome(of: keeper.id, success: true) }
            for index in 0..<20 { _ = try await fixture.engine.store(content: "note number \(index)", type: "knowledge") }
            let stats = await fixture.manager.stats()
            return (stats.primaryEntries, stats.statistics.evicted, await fixture.manager.entry(id: keeper.id) != nil)
        }
        #expect(evicted == 3)  // 21 entries > 20: ceil(2.1)
        #expect(count == 18)
        #expect(keeperFound, "the most useful memory survives eviction")
    }

    @Test("recall results are cached and a new store invalidates them")
    func recallCache() throws {
        let fixture = MemoryFixture(cache: true)
        let (first, second, third) = try fixture.run {
            _ = try await fixture.engine.store(content: "redis cache configuration", type: "knowledge")
            let first = try await fixture.engine.recall("redis cache configuration")
            let second = try await fixture.engine.recall("redis cache configuration")
            _ = try await fixture.engine.store(content: "redis cache configuration tips", type: "knowledge")
            let third = try await fixture.engine.recall("redis cache configuration")
            return (first, second, third)
        }
        #expect(!first.fromCache)
        #expect(second.fromCache)
        #expect(second.memories.map(\.entry.id) == first.memories.map(\.entry.id))
        #expect(!third.fromCache)
        #expect(third.memories.count == 2)
    }
}

@Suite("Memory manager: nothing acknowledged is ever lost")
struct MemoryDurabilityTests {
    @Test("the in-process outbox's resident size is what its waiting writes hold, through appends and acknowledgements")
    func outboxResidentBytes() throws {
        let outbox = InMemoryOutbox()
        func walked() throws -> Int {
            try outbox.pending(limit: .max).reduce(0) { $0 + 16 + $1.entry.residentBytes }
        }
        #expect(outbox.residentBytes() == 0)
        var sequences: [UInt64] = []
        for index in 0..<12 {
            let entry = MemoryEntry(
                id: "m\(index)",
                content: String(repeating: "x", count: index * 7),
                type: "note",
                sessionID: index % 2 == 0 ? "s" : nil,
                createdAt: .seconds(Int64(index)),
                embedding: HashedEmbedding(dimensions: 8).embed("memory \(index)")
            )
            sequences.append(try outbox.append(entry))
            #expect(outbox.residentBytes() == (try walked()))
        }
        for through in [sequences[2], sequences[2], sequences[7], sequences[11]] {
            try outbox.acknowledge(through: through)
            #expect(outbox.residentBytes() == (try walked()))
        }
        #expect(outbox.residentBytes() == 0)
    }

    @Test("while the primary is down writes land in the outbox and recalls come from the fallback")
    func primaryDown() throws {
        let fixture = MemoryFixture()
        let (receipt, recall, health) = try fixture.run {
            fixture.primary.set(.refusing("connection refused"))
            let receipt = try await fixture.engine.store(content: "remember the outage", type: "conversation")
            let recall = try await fixture.engine.recall("remember the outage")
            return (receipt, recall, await fixture.manager.health())
        }
        #expect(receipt.durability == .outbox)
        #expect(recall.servedBy == .fallback)
        #expect(recall.memories.map(\.entry.id) == [receipt.id])
        #expect(health.status == .degraded)
        #expect(
            health.reasons == [
                "postgres store down (unavailable: connection refused); recalls served by fallback", "1 write(s) waiting in the outbox",
            ]
        )
    }

    @Test("outbox replays in order after the primary returns, nothing lost")
    func replayInOrder() throws {
        let fixture = MemoryFixture()
        let (ids, replayed, primaryIDs, depth, health) = try fixture.run {
            var ids: [String] = []
            ids.append(try await fixture.engine.store(content: "before the outage", type: "log").id)
            fixture.primary.set(.refusing("57P01 admin_shutdown"))
            for index in 0..<5 { ids.append(try await fixture.engine.store(content: "during \(index)", type: "log").id) }
            fixture.primary.set(.up)
            // A write while the outbox is not yet empty queues behind it, keeping the order.
            try await fixture.clock.sleep(for: .seconds(10))  // past the breaker's cooldown
            ids.append(try await fixture.engine.store(content: "after, before replay", type: "log").id)
            let replayed = await fixture.manager.replayOutbox()
            var primaryIDs: [String] = []
            for id in ids where try fixture.primary.inner.entry(id: id) != nil { primaryIDs.append(id) }
            return (ids, replayed, primaryIDs, try fixture.outbox.count(), await fixture.manager.health())
        }
        #expect(replayed == 6)
        #expect(primaryIDs == ids, "every acknowledged write reached the primary")
        #expect(depth == 0)
        #expect(health == .healthy)
    }

    @Test("replay order is the order of acknowledgement")
    func replayOrderIsPreserved() throws {
        let fixture = MemoryFixture()
        let order = try fixture.run {
            fixture.primary.set(.refusing("down"))
            for index in 0..<4 { _ = try await fixture.engine.store(content: "write \(index)", type: "log") }
            let pending = try fixture.outbox.pending(limit: 10)
            return pending.map(\.entry.content)
        }
        #expect(order == ["write 0", "write 1", "write 2", "write 3"])
    }

    @Test("a hanging primary costs one call its timeout; writes then queue behind the outbox, the breaker spares recalls")
    func hangingPrimary() throws {
        let settings = MemoryManager.Settings(primaryTimeout: .seconds(2), breaker: BreakerSettings(minimumRequests: 2, cooldown: .seconds(30)))
        let fixture = MemoryFixture(settings: settings)
        let (writes, recalls) = try fixture.run {
            fixture.primary.set(.hanging)
            var writes: [Duration] = []
            for index in 0..<3 {
                let start = fixture.clock.now
                _ = try await fixture.engine.store(content: "write \(index)", type: "log")
                writes.append(fixture.clock.now - start)
            }
            var recalls: [(Duration, MemoryManager.ServedBy)] = []
            for _ in 0..<2 {
                let start = fixture.clock.now
                let result = try await fixture.engine.recall("write 1")
                recalls.append((fixture.clock.now - start, result.servedBy))
            }
            return (writes, recalls)
        }
        #expect(writes == [.seconds(2), .zero, .zero])
        #expect(fixture.primary.stores == 1)
        #expect(recalls.map(\.0) == [.seconds(2), .zero], "the second failure opens the circuit")
        #expect(recalls.allSatisfy { $0.1 == .fallback })
    }

    @Test("the background replay loop drains the outbox on its own, and shutdown flushes it")
    func backgroundReplay() throws {
        let fixture = MemoryFixture(settings: MemoryManager.Settings(breaker: BreakerSettings(minimumRequests: 100)))
        let (afterLoop, afterShutdown) = try fixture.run {
            fixture.primary.set(.refusing("down"))
            _ = try await fixture.engine.store(content: "one", type: "log")
            fixture.manager.startReplaying(with: fixture.sim)
            try await fixture.clock.sleep(for: .seconds(3))
            let stillWaiting = try fixture.outbox.count()
            fixture.primary.set(.up)
            try await fixture.clock.sleep(for: .seconds(2))
            let afterLoop = try fixture.outbox.count()
            fixture.primary.set(.refusing("down again"))
            _ = try await fixture.engine.store(content: "two", type: "log")
            fixture.primary.set(.up)
            await fixture.manager.shutdown()
            #expect(stillWaiting == 1)
            return (afterLoop, try fixture.outbox.count())
        }
        #expect(afterLoop == 0)
        #expect(afterShutdown == 0)
    }

    @Test("a write durable nowhere is not acknowledged")
    func notAcknowledgedWhenNothingIsDurable() throws {
        struct BrokenOutbox: MemoryOutbox {
            func append(_ entry: MemoryEntry) async throws(StoreError) -> UInt64 { throw .failed("disk full") }
            func pending(limit: Int) async throws(StoreError) -> [OutboxItem] { [] }
            func acknowledge(through sequence: UInt64) async throws(StoreError) {}
            func count() async throws(StoreError) -> Int { 0 }
        }
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let primary = FlakyBackend(name: "postgres", clock: clock)
        let manager = MemoryManager(primary: primary, fallback: InMemoryMemoryBackend(), outbox: BrokenOutbox(), clock: clock)
        let outcome = try runSimulation(sim) { () -> [String] in
            primary.set(.refusing("down"))
            let entry = MemoryEntry(id: "m1", content: "x", type: "log", createdAt: .zero, embedding: [])
            var outcome: [String] = []
            do {
                try await manager.store(entry)
                outcome.append("acknowledged")
            } catch {
                outcome.append("\(error)")
            }
            outcome.append("rejected=\(await manager.stats().statistics.rejectedWrites)")
            return outcome
        }
        #expect(outcome == ["failed: disk full", "rejected=1"])
    }
}
