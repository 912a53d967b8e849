#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A recall as the cache keeps it. Written by hand in the text `JSONEncoder` with `.sortedKeys` writes for it, and read
/// back with `JSONDecoder`: a recall is written on every miss and read only on a hit, and the encoder's generic
/// machinery cost more than the recall's search.
struct CachedRecall: Codable, Equatable {
    var memories: [CachedMemory]
    var servedBy: MemoryManager.ServedBy

    /// The cached text. Metadata keys are written in code-unit order, which is `.sortedKeys`' order for the ASCII
    /// keys the system writes.
    var text: String {
        var writer = JSONObjectWriter(capacity: 128 + memories.count * 256)
        writer.field("memories", objects: memories) { object, memory in
            object.field("entry") { Self.write(memory.entry, to: &$0) }
            object.field("score", memory.score)
            object.field("similarity", memory.similarity)
        }
        writer.field("servedBy", servedBy.rawValue)
        return writer.finishedText()
    }

    init(memories: [CachedMemory], servedBy: MemoryManager.ServedBy) {
        self.memories = memories
        self.servedBy = servedBy
    }

    init?(text: String) {
        guard let decoded = try? JSONDecoder().decode(Self.self, from: Data(text.utf8)) else { return nil }
        self = decoded
    }

    /// A `MemoryEntry` as its synthesized `Encodable` writes it.
    private static func write(_ entry: MemoryEntry, to object: inout JSONObjectWriter) {
        object.field("content", entry.content)
        object.field("createdAt", entry.createdAt)
        object.field("embedding", floats: entry.embedding)
        object.field("id", entry.id)
        object.field("metadata") { metadata in
            for key in entry.metadata.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                metadata.field(named: key, entry.metadata[key]!)
            }
        }
        object.field("sessionID", entry.sessionID)
        object.field("successScore", entry.successScore)
        object.field("type", entry.type)
        object.field("usageCount", entry.usageCount)
    }
}

/// A recalled memory as the cache keeps it: without its vector, which nothing that reads a recall uses and which was
/// most of the text to encode and decode.
struct CachedMemory: Codable, Equatable {
    var entry: MemoryEntry
    var similarity: Double
    var score: Double

    init(_ memory: ScoredMemory) {
        entry = memory.entry
        entry.embedding = []
        similarity = memory.similarity
        score = memory.score
    }
}
