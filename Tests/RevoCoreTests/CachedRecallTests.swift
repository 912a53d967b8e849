import Foundation
import Testing

@testable import RevoCore

@Suite("Cached recall")
struct CachedRecallTests {
    private static func recall(sessionID: String?, metadata: [String: String], createdAt: Duration, embedding: [Float]) -> CachedRecall {
        let entry = MemoryEntry(
            id: "mem-0042",
            content: "a \"quoted\" path/with\\slashes é 😀\n",
            type: "conversation",
            sessionID: sessionID,
            metadata: metadata,
            createdAt: createdAt,
            embedding: embedding,
            successScore: 0.62,
            usageCount: 3
        )
        var memory = CachedMemory(ScoredMemory(entry: entry, similarity: 0.873_215, score: 0.8))
        memory.entry.embedding = embedding
        return CachedRecall(memories: [memory, memory], servedBy: .fallback)
    }

    @Test(
        "the cached text is what JSONEncoder with sorted keys writes, and reads back equal",
        arguments: [
            (nil, [:], Duration.zero, []),
            (
                "user-1/s", ["provider": "local", "request": "req-9", "a_b": "x/y", "zeta": ""], .seconds(1_799) + .nanoseconds(123_456_789),
                [0.25, -1, 0.1]
            ),
            ("s", ["k": "v"], .seconds(-3), []),
            ("s", [:], .seconds(Int64.max / 4), [Float.greatestFiniteMagnitude]),
        ] as [(String?, [String: String], Duration, [Float])]
    )
    func sameAsEncoder(_ sessionID: String?, _ metadata: [String: String], _ createdAt: Duration, _ embedding: [Float]) throws {
        let recall = Self.recall(sessionID: sessionID, metadata: metadata, createdAt: createdAt, embedding: embedding)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(recall.text == String(decoding: try encoder.encode(recall), as: UTF8.self))
        #expect(CachedRecall(text: recall.text) == recall)
    }

    @Test("text that is not a cached recall reads as none")
    func unreadable() {
        #expect(CachedRecall(text: "{\"memories\":[{}],\"servedBy\":\"primary\"}") == nil)
        #expect(CachedRecall(text: "") == nil)
    }
}
