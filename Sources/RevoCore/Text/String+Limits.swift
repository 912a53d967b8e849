extension String {
    /// The length the API's limits count: Unicode code points, as JSON Schema's `minLength` / `maxLength` do, so that
    /// the contract in openapi.yaml and the server agree on every string.
    public var codePointCount: Int {
        // In UTF-8 every code point has exactly one byte that does not continue another (10xxxxxx): counting those
        // over the stored bytes is one test per byte, where walking the scalars decodes each one.
        utf8.withContiguousStorageIfAvailable { bytes in bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } } ?? unicodeScalars.count
    }

    /// Whether every code point is white space (Unicode's White_Space property, which the contract's non-blank
    /// pattern spells out).
    public var isBlank: Bool {
        // Most text starts with a visible ASCII character, which ends the question without a Unicode property lookup.
        if let first = utf8.first, first < 0x80, first != 0x20, !(0x09...0x0D).contains(first) { return false }
        return unicodeScalars.allSatisfy(\.properties.isWhitespace)
    }
}
