extension String {
    /// The length the API's limits count: Unicode code points, as JSON Schema's `minLength` / `maxLength` do, so that
    /// the contract in openapi.yaml and the server agree on every string.
    public var codePointCount: Int { unicodeScalars.count }

    /// Whether every code point is white space (Unicode's White_Space property, which the contract's non-blank
    /// pattern spells out).
    public var isBlank: Bool { unicodeScalars.allSatisfy(\.properties.isWhitespace) }
}
