import RevoCore
import RevoRuntime
import Testing

@Suite("The API's string limits")
struct StringLimitsTests {
    @Test("code points are counted, and ASCII told, eight bytes at a time exactly as byte by byte and scalar by scalar")
    func codePointCount() {
        var random = SeededRandom(seed: 17)
        let alphabet: [Character] = ["a", "Z", "0", " ", "\n", "\r\n", "é", "e\u{301}", "ß", "中", "👩‍👩‍👧", "🇫🇷", "\u{0}"]
        var texts = ["", "a", "é", "中文", "👩‍👩‍👧", String(repeating: "x", count: 40_000)]
        for _ in 0..<300 {
            texts.append(String((0..<Int(random.next() % 80)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
        }
        // Every position of a multi-byte character within and across the eight-byte words.
        for prefix in 0..<9 {
            texts.append(String(repeating: "a", count: prefix) + "中é👩‍👩‍👧" + String(repeating: "b", count: 9 - prefix))
        }
        for text in texts {
            #expect(text.codePointCount == text.unicodeScalars.count, "\(text.debugDescription)")
            #expect(text.isAllASCII == text.utf8.allSatisfy { $0 < 0x80 }, "\(text.debugDescription)")
        }
    }

    @Test("blank is white space only, in Unicode's sense")
    func blank() {
        #expect("".isBlank)
        #expect(" \t\n\u{00A0}\u{3000}".isBlank)
        #expect(!" a ".isBlank)
        #expect(!"\u{200B}".isBlank)
        // Every ASCII byte, first and alone: only the six white-space ones are blank.
        for byte in UInt8(0)..<0x80 {
            let text = String(decoding: [byte], as: UTF8.self)
            #expect(text.isBlank == [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20].contains(byte), "byte \(byte)")
            #expect(!(text + "a").isBlank)
        }
        #expect("\u{85}\u{2028}".isBlank)
        #expect(!"\u{85}x".isBlank)
    }
}

@Suite("UTF8Writer")
struct UTF8WriterTests {
    @Test("writes strings, byte arrays and bytes in order, and fills exactly what it wrote")
    func writesInOrder() {
        let pieces = ["Conversation so far:", "\n", "user: crème brûlée", "", "中文 👩‍👩‍👧", "\n\n"]
        let capacity = pieces.reduce(8) { $0 + $1.utf8.count }
        let text = UTF8Writer.string(capacity: capacity) { writer in
            for piece in pieces { writer.append(piece) }
            writer.append(bytes: Array("ok".utf8))
            writer.append(byte: UInt8(ascii: "!"))
        }
        #expect(text == pieces.joined() + "ok!")
        #expect(text.utf8.count == capacity - 5)
        #expect(UTF8Writer.string(capacity: 0) { _ in }.isEmpty)
    }

    @Test("writes integers in decimal as String(_:) does, at the edges too")
    func writesDecimals() {
        let values = [0, 7, -7, 9, 10, 99, 100, 1_234_567_890, -1_000_000, Int.max, Int.min]
        for value in values {
            let text = UTF8Writer.string(capacity: 24) { writer in
                writer.append(byte: UInt8(ascii: "<"))
                writer.append(decimal: value)
                writer.append(byte: UInt8(ascii: ">"))
            }
            #expect(text == "<\(value)>")
        }
    }

    @Test("a word table hands out each word's bytes, the longest length, and writes them as the strings would")
    func wordTable() {
        let words = ["a", "", "crème", "中文", "longest-word-here", "z"]
        let table = WordTable(words)
        #expect(table.count == words.count)
        #expect(table.longest == "longest-word-here".utf8.count)
        table.withWords { table in
            for (index, word) in words.enumerated() {
                #expect(String(decoding: table[index], as: UTF8.self) == word)
            }
        }
        let text = UTF8Writer.string(capacity: words.count * (table.longest + 1)) { text in
            table.withWords { table in
                for index in words.indices.reversed() {
                    text.append(bytes: table[index])
                    text.append(byte: UInt8(ascii: " "))
                }
            }
        }
        #expect(text == words.reversed().map { $0 + " " }.joined())
    }
}
