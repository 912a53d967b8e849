extension UInt64 {
    /// Sixteen lowercase hex digits, zero-padded, so that text order is numeric order.
    public var fixedWidthHex: String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 {
                buffer[index] = hexDigits[Int(truncatingIfNeeded: self >> (60 - 4 * UInt64(index))) & 0xF]
            }
            return 16
        }
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)
