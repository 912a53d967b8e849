extension UInt64 {
    /// `prefix` and the value in eleven digits of an order-preserving URL-safe alphabet (`-`, `0`–`9`, `A`–`Z`, `_`,
    /// `a`–`z`, ascending as ASCII does), so that text order is numeric order. With a prefix of at most four bytes the
    /// result fits the fifteen bytes Swift keeps inside the `String` itself: no allocation, no reference count, and a
    /// comparison that reads no memory elsewhere.
    public func fixedWidthBase64(after prefix: StaticString) -> String {
        precondition(prefix.hasPointerRepresentation, "the prefix is text, not a single scalar")
        let length = prefix.utf8CodeUnitCount + 11
        return String(unsafeUninitializedCapacity: length) { buffer in
            let head = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
            let start = buffer.initialize(fromContentsOf: head)
            // The top four bits first, then ten digits of six.
            buffer[start] = base64Digits[Int(truncatingIfNeeded: self >> 60)]
            for index in 1..<11 {
                buffer[start + index] = base64Digits[Int(truncatingIfNeeded: self >> (60 - 6 * UInt64(index))) & 0x3F]
            }
            return length
        }
    }
}

private let base64Digits = Array("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz".utf8)
