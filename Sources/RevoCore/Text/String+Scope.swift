extension String {
    /// Whether this string lies in `scope`'s namespace: it is `scope` followed by a slash and anything, as the server
    /// writes an account's session and conversation ids (`user/…`). Bytes, not characters: `String.hasPrefix`
    /// compares grapheme clusters, and the generic `starts(with:)` steps an iterator per byte.
    package func lies(inScope scope: String) -> Bool {
        let slash = UInt8(ascii: "/")
        let fast = utf8.withContiguousStorageIfAvailable { id in
            scope.utf8.withContiguousStorageIfAvailable { prefix in
                id.count > prefix.count && id[prefix.count] == slash && id[..<prefix.count].elementsEqual(prefix)
            }
        }
        if let fast, let answer = fast { return answer }
        let id = utf8
        let prefix = scope.utf8
        return id.count > prefix.count && id.starts(with: prefix) && id[id.index(id.startIndex, offsetBy: prefix.count)] == slash
    }
}
