extension UInt64 {
    /// Sixteen lowercase hex digits, zero-padded, so that text order is numeric order.
    public var fixedWidthHex: String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            writeHex(into: buffer, at: 0)
            return 16
        }
    }

    /// `prefix`, a separator (a dash unless told) and the sixteen digits (`req-3f9a1c0b2d4e5f60`), written into one
    /// string: two concatenations allocated twice as often, on every request id and reply-cache key.
    public func fixedWidthHex(after prefix: String, separator: Unicode.Scalar = "-") -> String {
        precondition(separator.isASCII, "the separator is one ASCII byte")
        var prefix = prefix
        return prefix.withUTF8 { head in
            String(unsafeUninitializedCapacity: head.count + 17) { buffer in
                var index = buffer.initialize(fromContentsOf: head)
                buffer[index] = UInt8(separator.value)
                index += 1
                writeHex(into: buffer, at: index)
                return index + 16
            }
        }
    }

    /// The sixteen digits written into `buffer` from `start`, which must leave room for them.
    package func writeHex(into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        for index in 0..<16 {
            buffer[start + index] = hexDigits[Int(truncatingIfNeeded: self >> (60 - 4 * UInt64(index))) & 0xF]
        }
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)
