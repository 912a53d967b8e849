import RevoRuntime
import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Memory index")
struct MemoryIndexTests {
    @Test("session-filtered search equals the full scan filtered by session, through moves and evictions")
    func sessionRows() {
        let embedding = HashedEmbedding()
        var random = SeededRandom(seed: 21)
        let words = ["rate", "limit", "cache", "redis", "token", "stream", "model", "memory"]
        func text() -> String { (0..<3).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ") }
        var index = MemoryIndex()
        for step in 0..<400 {
            let id = "m\(random.next() % 120)"  // ids repeat: some writes replace an entry, often in another session
            let session = random.next() % 5 == 0 ? nil : "s\(random.next() % 4)"
            let content = text()
            index.upsert(
                MemoryEntry(id: id, content: content, type: "conversation", sessionID: session, createdAt: .zero, embedding: embedding.embed(content))
            )
            if step % 97 == 96 { _ = index.evict(fraction: 0.2) }
            guard step % 10 == 0 else { continue }
            let probe = embedding.embed(text())
            for session in ["s0", "s1", "s2", "s3", "nobody"] {
                let scoped = index.search(MemoryQuery(embedding: probe, filter: MemoryFilter(sessionID: session), limit: 1000, minimumSimilarity: 0))
                let scanned = index.search(MemoryQuery(embedding: probe, limit: 1000, minimumSimilarity: 0)).filter { $0.entry.sessionID == session }
                #expect(scoped == scanned, "step \(step), session \(session)")
            }
        }
    }

    @Test("an embedding of another length than the index's rows is similarity 0 to them, and compared with its own kind")
    func otherLengths() {
        func entry(_ id: String, _ embedding: [Float]) -> MemoryEntry {
            MemoryEntry(id: id, content: id, type: "note", createdAt: .zero, embedding: embedding)
        }
        let wide = HashedEmbedding(dimensions: 8)
        let narrow = HashedEmbedding(dimensions: 4)
        var index = MemoryIndex()
        index.upsert(entry("wide-1", wide.embed("rate limit")))  // the first entry sets the rows' width
        index.upsert(entry("narrow", narrow.embed("rate limit")))
        index.upsert(entry("wide-2", wide.embed("rate limit cache")))
        func similarities(_ query: [Float]) -> [String: Double] {
            Dictionary(uniqueKeysWithValues: index.search(MemoryQuery(embedding: query, minimumSimilarity: 0)).map { ($0.entry.id, $0.similarity) })
        }
        let byWide = similarities(wide.embed("rate limit"))
        #expect(byWide["narrow"] == 0)
        #expect(abs((byWide["wide-1"] ?? 0) - 1) < 1e-6)
        #expect((byWide["wide-2"] ?? 0) > 0)
        let byNarrow = similarities(narrow.embed("rate limit"))
        #expect(abs((byNarrow["narrow"] ?? 0) - 1) < 1e-6)
        #expect(byNarrow["wide-1"] == 0 && byNarrow["wide-2"] == 0)
        // Above the threshold, the entry of the other length is not found at all.
        #expect(index.search(MemoryQuery(embedding: wide.embed("rate limit"), minimumSimilarity: 0.1)).map(\.entry.id).contains("narrow") == false)
    }
}
