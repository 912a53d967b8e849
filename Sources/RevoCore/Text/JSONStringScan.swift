/// Finds, eight bytes at a time, the first byte a JSON string cannot carry as it is: a quote, a backslash, a control
/// character, or one more byte the caller names. The JSON reader and writer spend most of their time walking string
/// bytes that need nothing done; a word of eight is tested with a few integer operations instead of eight branches.
package enum JSONStringScan {
    /// The index of the first byte at or after `start` that is `"`, `\`, below 0x20 or equal to `extra`; `bytes.count`
    /// if there is none. `nonASCII` is set when a byte before the one found is 0x80 or above.
    @inlinable
    package static func firstSpecial(in bytes: UnsafeRawBufferPointer, from start: Int, extra: UInt8, nonASCII: inout Bool) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            let quotes = repeated(UInt8(ascii: "\""))
            let backslashes = repeated(UInt8(ascii: "\\"))
            let extras = repeated(extra)
            var high: UInt64 = 0
            while index + 8 <= bytes.count {
                let word = UInt64(littleEndian: (base + index).loadUnaligned(as: UInt64.self))
                let found = below(word, 0x20) | zeroByte(word ^ quotes) | zeroByte(word ^ backslashes) | zeroByte(word ^ extras)
                if found != 0 {
                    // The lowest flag is a true match (borrows only flag bytes above one); bytes before it are plain.
                    let offset = found.trailingZeroBitCount / 8
                    if offset > 0 { high |= word & (UInt64.max >> (64 - 8 * offset)) }
                    nonASCII = nonASCII || high & repeated(0x80) != 0
                    return index + offset
                }
                high |= word
                index += 8
            }
            nonASCII = nonASCII || high & repeated(0x80) != 0
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == extra { return index }
            if byte >= 0x80 { nonASCII = true }
            index += 1
        }
        return index
    }

    @inlinable
    static func repeated(_ byte: UInt8) -> UInt64 {
        UInt64(byte) &* 0x0101_0101_0101_0101
    }

    /// The high bit of each byte of `word` that is zero (and possibly of bytes above one that is).
    @inlinable
    static func zeroByte(_ word: UInt64) -> UInt64 {
        (word &- repeated(0x01)) & ~word & repeated(0x80)
    }

    /// The high bit of each byte of `word` below `limit` (at most 0x80; possibly also of bytes above one that is).
    @inlinable
    static func below(_ word: UInt64, _ limit: UInt8) -> UInt64 {
        (word &- repeated(limit)) & ~word & repeated(0x80)
    }
}
