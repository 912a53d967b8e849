import RevoRuntime
import Testing

@testable import RevoCore
@testable import RevoSim

@Suite("Memory index")
struct MemoryIndexTests {
    @Test("session- and owner-filtered searches equal the full scan filtered alike, through moves and evictions")
    func groupedRows() {
        let embedding = HashedEmbedding()
        var random = SeededRandom(seed: 21)
        let words = ["rate", "limit", "cache", "redis", "token", "stream", "model", "memory"]
        func text() -> String { (0..<3).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ") }
        // Accounts' own scopes, their sessions, an account whose id has a slash, and session ids of no account.
        let sessions = ["alice/", "alice/s1", "alice/s1/x", "bob/s1", "bob/", "al/ice/s2", "alice", "s3", "/lead"]
        let owners = ["alice", "bob", "al", "al/ice", "", "carol", "alice/s1"]
        let types = ["conversation", "note"]
        var index = MemoryIndex()
        for step in 0..<400 {
            let id = "m\(random.next() % 120)"  // ids repeat: some writes replace an entry, often in another session
            let session = random.next() % 5 == 0 ? nil : sessions[Int(random.next() % UInt64(sessions.count))]
            let content = text()
            let type = types[step % 2]
            index.upsert(MemoryEntry(id: id, content: content, type: type, sessionID: session, createdAt: .zero, embedding: embedding.embed(content)))
            if step % 97 == 96 { _ = index.evict(fraction: 0.2) }
            guard step % 10 == 0 else { continue }
            let probe = embedding.embed(text())
            // What a search finds, in order: ids and similarities (whole entries make unreadable failures).
            func found(_ memories: [ScoredMemory]) -> [String] { memories.map { "\($0.entry.id) \($0.similarity)" } }
            func search(_ filter: MemoryFilter) -> [String] {
                found(index.search(MemoryQuery(embedding: probe, filter: filter, limit: 1000, minimumSimilarity: 0)))
            }
            let all = index.search(MemoryQuery(embedding: probe, limit: 1000, minimumSimilarity: 0))
            for session in sessions + ["nobody"] {
                let inSession = all.filter { $0.entry.sessionID == session }
                #expect(search(MemoryFilter(sessionID: session)) == found(inSession), "step \(step), session \(session)")
            }
            for owner in owners {
                let owned = all.filter { ($0.entry.sessionID ?? "").hasPrefix(owner + "/") }
                #expect(search(MemoryFilter(owner: owner)) == found(owned), "step \(step), owner \(owner)")
                #expect(search(MemoryFilter(sessionID: "alice/s1", owner: owner)) == found(owned.filter { $0.entry.sessionID == "alice/s1" }))
                #expect(search(MemoryFilter(type: "note", owner: owner)) == found(owned.filter { $0.entry.type == "note" }))
            }
        }
    }

    @Test("a string lies in a scope when the scope and a slash start it")
    func scopes() {
        #expect("alice/".lies(inScope: "alice"))
        #expect("alice/s1".lies(inScope: "alice"))
        #expect("al/ice/s1".lies(inScope: "al/ice") && "al/ice/s1".lies(inScope: "al"))
        #expect("/s1".lies(inScope: ""))
        #expect(!"alice".lies(inScope: "alice"))
        #expect(!"alices/s1".lies(inScope: "alice"))
        #expect(!"alic/e".lies(inScope: "alice"))
        #expect(!"bob/alice/".lies(inScope: "alice"))
        #expect(!"".lies(inScope: ""))
        // Bytes, not characters: a combining accent after the slash makes one character with it, and the scope holds.
        #expect("e/\u{301}".lies(inScope: "e"))
        #expect(!"e\u{301}/x".lies(inScope: "e"))
        // Long strings, past the inline size of small ones.
        #expect("an-account-with-a-long-id/a-session".lies(inScope: "an-account-with-a-long-id"))
        #expect(!"an-account-with-a-long-iD/a-session".lies(inScope: "an-account-with-a-long-id"))
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
