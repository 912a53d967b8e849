import RevoCore
import RevoRuntime
import Testing

@Suite("JSON string scan, eight bytes at a time")
struct JSONStringScanTests {
    @Test("finds the same byte and the same non-ASCII flag as a byte-by-byte scan, at every offset")
    func matchesByteByByte() {
        var random = SeededRandom(seed: 23)
        // Bytes around each boundary the scan tests: control characters, quote, backslash, slash, DEL, high bytes.
        let interesting: [UInt8] = [
            0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x2F, 0x5B, 0x5C, 0x5D, 0x61, 0x7F, 0x80, 0x9F, 0xA0, 0xC3, 0xDF, 0xE0, 0xFF,
        ]
        for round in 0..<2_000 {
            let count = Int(random.next() % 40)
            // Mostly plain text, so the runs between special bytes span whole words.
            let bytes = (0..<count).map { _ in
                random.next() % 4 == 0 ? interesting[Int(random.next() % UInt64(interesting.count))] : UInt8(ascii: "a")
            }
            let extra = [UInt8(ascii: "/"), UInt8(ascii: "\"")][round % 2]
            let start = count == 0 ? 0 : Int(random.next() % UInt64(count + 1))
            var nonASCII = false
            let found = bytes.withUnsafeBytes { JSONStringScan.firstSpecial(in: $0, from: start, extra: extra, nonASCII: &nonASCII) }
            let expected = bytes[start...].firstIndex { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == extra } ?? count
            #expect(found == expected, "\(bytes) from \(start)")
            #expect(nonASCII == bytes[start..<expected].contains { $0 >= 0x80 }, "\(bytes) from \(start)")
        }
    }
}
