extension String {
    /// The length the API's limits count: Unicode code points, as JSON Schema's `minLength` / `maxLength` do, so that
    /// the contract in openapi.yaml and the server agree on every string.
    public var codePointCount: Int {
        // In UTF-8 every code point has exactly one byte that does not continue another (10xxxxxx): counting those
        // over the stored bytes is one test per byte, where walking the scalars decodes each one.
        // Eight bytes at a time: a continuation byte has its top bit set and the next one clear.
        utf8.withContiguousStorageIfAvailable { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            var continuations = 0
            var offset = 0
            while offset + 8 <= raw.count {
                let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                continuations += (word & ~(word &<< 1) & Self.highBits).nonzeroBitCount
                offset += 8
            }
            while offset < raw.count {
                if raw[offset] & 0xC0 == 0x80 { continuations += 1 }
                offset += 1
            }
            return raw.count - continuations
        } ?? unicodeScalars.count
    }

    /// Whether every byte is ASCII, read eight bytes at a time.
    public var isAllASCII: Bool {
        utf8.withContiguousStorageIfAvailable { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            var offset = 0
            while offset + 8 <= raw.count {
                if raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & Self.highBits != 0 { return false }
                offset += 8
            }
            while offset < raw.count {
                if raw[offset] >= 0x80 { return false }
                offset += 1
            }
            return true
        } ?? utf8.allSatisfy { $0 < 0x80 }
    }

    /// The top bit of each of eight bytes.
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether every code point is white space (Unicode's White_Space property, which the contract's non-blank
    /// pattern spells out).
    public var isBlank: Bool {
        // Most text starts with a visible ASCII character, which ends the question without a Unicode property lookup.
        if let first = utf8.first, first < 0x80, first != 0x20, !(0x09...0x0D).contains(first) { return false }
        return unicodeScalars.allSatisfy(\.properties.isWhitespace)
    }
}
