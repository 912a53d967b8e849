import RevoRuntime

/// Text assembled from many pieces, written straight into the storage of the string it makes: appending piece by
/// piece to a `String` goes through its general append path each time.
package struct UTF8Writer: ~Copyable {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    /// Bytes written so far.
    package private(set) var count = 0

    /// A string of at most `capacity` bytes of UTF-8, written by `write`; writing more is a programming error.
    package static func string(capacity: Int, _ write: (inout UTF8Writer) -> Void) -> String {
        String(unsafeUninitializedCapacity: capacity) { buffer in
            var writer = UTF8Writer(buffer: buffer)
            write(&writer)
            return writer.count
        }
    }

    private init(buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    package mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(bytes: $0) }
    }

    package mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        count = buffer[count...].initialize(fromContentsOf: bytes)
    }

    package mutating func append(bytes: [UInt8]) {
        count = buffer[count...].initialize(fromContentsOf: bytes)
    }

    /// `value` in decimal, its digits written from the last: no string is made for the number.
    package mutating func append(decimal value: Int) {
        if value < 0 { append(byte: UInt8(ascii: "-")) }
        var digits = 1
        var rest = value.magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        precondition(count + digits <= buffer.count, "UTF8Writer: more bytes than its capacity")
        var magnitude = value.magnitude
        for position in stride(from: count + digits - 1, through: count, by: -1) {
            buffer[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        }
        count += digits
    }

    /// `value` in sixteen lowercase hex digits, zero-padded, as `UInt64.fixedWidthHex` writes it.
    package mutating func append(hex value: UInt64) {
        precondition(count + 16 <= buffer.count, "UTF8Writer: more bytes than its capacity")
        value.writeHex(into: buffer, at: count)
        count += 16
    }

    package mutating func append(byte: UInt8) {
        // The buffer's own subscript checks bounds in debug builds only.
        precondition(count < buffer.count, "UTF8Writer: more bytes than its capacity")
        buffer[count] = byte
        count += 1
    }
}
