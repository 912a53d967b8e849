import Testing

@testable import RevoCore

@Suite("Recency queue")
struct RecencyQueueTests {
    @Test("the least recently used entry comes out first; uses of entries used again or dropped are skipped")
    func order() {
        var queue = RecencyQueue<String>()
        var entries: [String: UInt64] = [:]
        for key in ["a", "b", "c"] { entries[key] = queue.use(key, of: entries) { $0 } }
        entries["a"] = queue.use("a", of: entries) { $0 }  // a is now the most recent
        entries["b"] = nil  // b dropped by its owner
        #expect(queue.popOldest(of: entries) { $0 } == "c")
        entries["c"] = nil
        #expect(queue.popOldest(of: entries) { $0 } == "a")
        entries["a"] = nil
        #expect(queue.popOldest(of: entries) { $0 } == nil)
        #expect(queue.count == 0)
    }

    @Test("repeated uses of a few entries keep the queue within twice the entries, at least 64")
    func bounded() {
        var queue = RecencyQueue<Int>()
        var entries: [Int: UInt64] = [:]
        for use in 0..<10_000 {
            entries[use % 3] = queue.use(use % 3, of: entries) { $0 }
            #expect(queue.count <= 64)
        }
        // The order survives the shedding: the last uses were 1, 2 and 0, so 1 is the least recent.
        #expect(queue.popOldest(of: entries) { $0 } == 1)
    }
}
