extension Duration {
    /// Whole nanoseconds (the part below a nanosecond dropped): the unit of stored timestamps (`*_at_ns` columns) and
    /// of the breaker's window slots.
    public var nanosecondsValue: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
