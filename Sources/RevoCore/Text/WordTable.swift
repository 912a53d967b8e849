/// Words stored end to end in one buffer, for text written a word at a time (a fake model's answer, a simulated
/// prompt): an array of byte arrays retained and released the word it handed out, on every word.
package struct WordTable: Sendable {
    private let bytes: [UInt8]
    /// Where each word ends in ``bytes``; it starts where the one before it ends.
    private let ends: [Int]
    /// The length in bytes of the longest word.
    package let longest: Int

    package init(_ words: [String]) {
        precondition(!words.isEmpty, "a word table needs a word")
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var longest = 0
        for word in words {
            bytes.append(contentsOf: word.utf8)
            longest = max(longest, bytes.count - (ends.last ?? 0))
            ends.append(bytes.count)
        }
        self.bytes = bytes
        self.ends = ends
        self.longest = longest
    }

    package var count: Int { ends.count }

    /// Runs `body` with a reader of the table's words that holds no references: look-ups in a loop cost no retain.
    package func withWords<T>(_ body: (Words) throws -> T) rethrows -> T {
        try bytes.withUnsafeBufferPointer { bytes in
            try ends.withUnsafeBufferPointer { ends in try body(Words(bytes: bytes, ends: ends)) }
        }
    }

    /// The words of a table, valid inside ``WordTable/withWords(_:)`` only.
    package struct Words {
        let bytes: UnsafeBufferPointer<UInt8>
        let ends: UnsafeBufferPointer<Int>

        package var count: Int { ends.count }

        package subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
            let start = index == 0 ? 0 : ends[index - 1]
            return UnsafeBufferPointer(rebasing: bytes[start..<ends[index]])
        }
    }
}
