/// A memory index's rows grouped by a key (a session id, an account), each group in ascending order: a search within
/// one group reads only its rows.
struct MemoryRowGroups: Sendable {
    private var groups: [String: [Int]] = [:]

    /// The rows of `key`'s group, ascending; nil when it has none.
    subscript(key: String) -> [Int]? { groups[key] }

    /// Adds a row numbered after every row the group holds.
    mutating func append(_ row: Int, to key: String?) {
        guard let key else { return }
        groups[key, default: []].append(row)
    }

    /// Adds a row where it belongs in the group's order.
    mutating func insert(_ row: Int, into key: String?) {
        guard let key else { return }
        groups[key, default: []].insertSorted(row)
    }

    mutating func remove(_ row: Int, from key: String?) {
        guard let key else { return }
        groups[key]?.removeAll { $0 == row }
    }

    mutating func removeAll() {
        groups = [:]
    }
}

extension Array where Element == Int {
    fileprivate mutating func insertSorted(_ row: Int) {
        insert(row, at: firstIndex { $0 > row } ?? endIndex)
    }
}
