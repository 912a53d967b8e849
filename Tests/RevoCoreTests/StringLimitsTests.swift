import RevoCore
import RevoRuntime
import Testing

@Suite("The API's string limits")
struct StringLimitsTests {
    @Test("code points are counted over the bytes exactly as the scalars are")
    func codePointCount() {
        var random = SeededRandom(seed: 17)
        let alphabet: [Character] = ["a", "Z", "0", " ", "\n", "\r\n", "é", "e\u{301}", "ß", "中", "👩‍👩‍👧", "🇫🇷", "\u{0}"]
        var texts = ["", "a", "é", "中文", "👩‍👩‍👧", String(repeating: "x", count: 40_000)]
        for _ in 0..<300 {
            texts.append(String((0..<Int(random.next() % 80)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
        }
        for text in texts {
            #expect(text.codePointCount == text.unicodeScalars.count, "\(text.debugDescription)")
        }
    }

    @Test("blank is white space only, in Unicode's sense")
    func blank() {
        #expect("".isBlank)
        #expect(" \t\n\u{00A0}\u{3000}".isBlank)
        #expect(!" a ".isBlank)
        #expect(!"\u{200B}".isBlank)
    }
}
