import RevoRuntime
import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Memory index: a recall within a session reads only that session's rows")
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
}
