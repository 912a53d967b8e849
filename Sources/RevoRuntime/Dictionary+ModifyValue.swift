extension Dictionary {
    /// Changes the value under `key` in place, if there is one, through its index; nil when the key is absent (nothing
    /// is inserted). `dictionary[key]?.field = x` goes through the optional subscript's `_modify`, which copies the
    /// whole table, and with it every array its values hold, on each call.
    @inlinable
    public mutating func modifyValue<Result>(forKey key: Key, _ change: (inout Value) throws -> Result) rethrows -> Result? {
        guard let index = index(forKey: key) else { return nil }
        return try change(&values[index])
    }
}
