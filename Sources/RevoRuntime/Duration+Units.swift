extension Duration {
    /// Seconds with millisecond precision, e.g. `12.345s`; stable across platforms, used in traces and messages.
    public var formattedSeconds: String {
        let (seconds, attoseconds) = components
        let totalMilliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        let sign = totalMilliseconds < 0 ? "-" : ""
        let magnitude = totalMilliseconds.magnitude
        let fraction = String(magnitude % 1000)
        return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s"
    }

    /// Whole nanoseconds (the part below a nanosecond dropped, toward zero): the unit of stored timestamps (`*_at_ns`
    /// columns), of the breaker's window slots and of trace lines. One division of the attosecond count: read through
    /// `components`, it cost a second 128-bit division and two checked 128-bit multiplications.
    @inlinable
    public var nanoseconds: Int64 {
        Int64(attoseconds / 1_000_000_000)
    }

    /// Seconds as a floating-point number, for rates and reports.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
