/// Writes one JSON object by hand, byte for byte as Foundation's `JSONEncoder` with `.sortedKeys` writes it (slashes
/// escaped, doubles without a trailing `.0`), for the few shapes written on every chat request: the encoder's
/// generic machinery was the largest single cost of a request (`perf`). The caller writes fields in key order; keys
/// are literals that need no escaping.
public struct JSONObjectWriter: Sendable {
    public private(set) var bytes: [UInt8]
    private var empty = true
    /// False writes `/` as it is, as `JSONEncoder` does with `.withoutEscapingSlashes`.
    public let escapesSlashes: Bool

    public init(capacity: Int = 256, escapesSlashes: Bool = true) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
        self.escapesSlashes = escapesSlashes
    }

    public mutating func field(_ key: StaticString, _ value: String) {
        self.key(key)
        Self.appendString(value, to: &bytes, escapingSlashes: escapesSlashes)
    }

    /// Omitted when nil, as `JSONEncoder` omits an absent optional.
    public mutating func field(_ key: StaticString, _ value: String?) {
        if let value { field(key, value) }
    }

    public mutating func field(_ key: StaticString, _ value: Int) {
        self.key(key)
        appendDecimal(value)
    }

    private mutating func appendDecimal(_ value: some BinaryInteger) {
        // Digits written in place: `String(value)` allocated a string for every number of every answer.
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var low = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        // Swapped in place: `bytes[start...].reverse()` copied the whole buffer through a slice (an allocation per number).
        var high = bytes.count - 1
        while low < high {
            bytes.swapAt(low, high)
            low += 1
            high -= 1
        }
    }

    /// A non-finite number, which JSON cannot hold, is written as null.
    public mutating func field(_ key: StaticString, _ value: Double) {
        self.key(key)
        appendNumber(value)
    }

    /// An array of numbers, each written as ``field(_:_:)-(_,Double)`` writes one.
    public mutating func field(_ key: StaticString, floats: [Float]) {
        openArray(key)
        for (index, value) in floats.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendNumber(value)
        }
        closeArray()
    }

    /// As `Duration`'s `Encodable` writes it: the high and low words of its attoseconds, `[high,low]`.
    public mutating func field(_ key: StaticString, _ value: Duration) {
        openArray(key)
        let attoseconds = value.attoseconds
        appendDecimal(Int64(truncatingIfNeeded: attoseconds >> 64))
        bytes.append(UInt8(ascii: ","))
        appendDecimal(UInt64(truncatingIfNeeded: attoseconds))
        closeArray()
    }

    /// A string under a name known only at run time (a map's key), escaped as any string is.
    public mutating func field(named key: String, _ value: String) {
        self.key(named: key)
        Self.appendString(value, to: &bytes, escapingSlashes: escapesSlashes)
    }

    private mutating func appendNumber<Number: BinaryFloatingPoint & TextOutputStreamable>(_ value: Number) {
        guard value.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        // Written from the standard library's stack buffer: `description` allocates a string for any number longer
        // than 15 characters, as most measured durations are.
        let start = bytes.count
        var sink = ASCIISink()
        swap(&sink.bytes, &bytes)
        value.write(to: &sink)
        swap(&sink.bytes, &bytes)
        let whole = bytes.count - start >= 2 && bytes.last == UInt8(ascii: "0") && bytes[bytes.count - 2] == UInt8(ascii: ".")
        if whole { bytes.removeLast(2) }
    }

    /// Omitted when nil.
    public mutating func field(_ key: StaticString, _ value: Int?) {
        if let value { field(key, value) }
    }

    /// Omitted when nil.
    public mutating func field(_ key: StaticString, _ value: Double?) {
        if let value { field(key, value) }
    }

    /// An array of strings; omitted when nil.
    public mutating func field(_ key: StaticString, strings: [String]?) {
        guard let strings else { return }
        openArray(key)
        for (index, string) in strings.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            Self.appendString(string, to: &bytes, escapingSlashes: escapesSlashes)
        }
        closeArray()
    }

    public mutating func field(_ key: StaticString, _ value: Bool) {
        self.key(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// A nested object, written by `write` in place.
    public mutating func field(_ key: StaticString, object write: (inout JSONObjectWriter) -> Void) {
        self.key(key)
        var object = JSONObjectWriter(continuing: &bytes, escapesSlashes: escapesSlashes)
        write(&object)
        close(&object)
    }

    /// A nested object under a name known only at run time (a map's key), escaped as any string is.
    public mutating func field(named key: String, object write: (inout JSONObjectWriter) -> Void) {
        self.key(named: key)
        var object = JSONObjectWriter(continuing: &bytes, escapesSlashes: escapesSlashes)
        write(&object)
        close(&object)
    }

    /// An array of objects, each written by `write` in place. Inlinable so that it is specialized where it is called:
    /// run generically, its iterator boxed every element (an allocation per object).
    @inlinable
    public mutating func field<Element>(_ key: StaticString, objects: some Sequence<Element>, _ write: (inout JSONObjectWriter, Element) -> Void) {
        openArray(key)
        var first = true
        for element in objects {
            var object = openObject(first: first)
            first = false
            write(&object, element)
            close(&object)
        }
        closeArray()
    }

    @usableFromInline
    mutating func openArray(_ key: StaticString) {
        self.key(key)
        bytes.append(UInt8(ascii: "["))
    }

    /// A writer for the array's next object, which takes this buffer over until ``close(_:)`` hands it back: no buffer
    /// of its own per object.
    @usableFromInline
    mutating func openObject(first: Bool) -> JSONObjectWriter {
        if !first { bytes.append(UInt8(ascii: ",")) }
        return JSONObjectWriter(continuing: &bytes, escapesSlashes: escapesSlashes)
    }

    /// Closes `object` and takes the buffer back. Swapped, not assigned from `object.finished()`: that call could run
    /// on a copy of `object`, whose closing brace then copied the whole buffer.
    @usableFromInline
    mutating func close(_ object: inout JSONObjectWriter) {
        object.bytes.append(UInt8(ascii: "}"))
        swap(&bytes, &object.bytes)
    }

    @usableFromInline
    mutating func closeArray() {
        bytes.append(UInt8(ascii: "]"))
    }

    /// The object's text, closed.
    public consuming func finished() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// The object's text, closed. Consuming, like ``finished()``: closing a copy would copy the buffer.
    public consuming func finishedText() -> String {
        // Closed in the string's own storage: appending to `bytes` first could copy the buffer to grow it.
        bytes.withUnsafeBufferPointer { written in
            String(unsafeUninitializedCapacity: written.count + 1) { text in
                let end = text.initialize(fromContentsOf: written)
                text[end] = UInt8(ascii: "}")
                return end + 1
            }
        }
    }

    /// Takes `bytes` over, leaving it empty: moved, not shared, so the first append does not copy the buffer.
    private init(continuing bytes: inout [UInt8], escapesSlashes: Bool) {
        self.bytes = []
        swap(&self.bytes, &bytes)
        self.bytes.append(UInt8(ascii: "{"))
        self.escapesSlashes = escapesSlashes
    }

    /// A key known only at run time, escaped as any string is.
    private mutating func key(named key: String) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        Self.appendString(key, to: &bytes, escapingSlashes: escapesSlashes)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func key(_ key: StaticString) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        // One byte at a time: an array literal here was an allocation per key.
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// `string` as a JSON string literal, quotes included.
    public static func quoted(_ string: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.utf8.count + 2)
        appendString(string, to: &bytes, escapingSlashes: true)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The string quoted and escaped. Runs of bytes that need no escape are found eight bytes at a time and copied at
    /// once.
    static func appendString(_ string: String, to bytes: inout [UInt8], escapingSlashes: Bool) {
        // Left unescaped, `/` is replaced by a byte escaped anyway, so the test below stays one comparison per byte.
        let slash = escapingSlashes ? UInt8(ascii: "/") : UInt8(ascii: "\"")
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            var nonASCII = false
            while true {
                let index = JSONStringScan.firstSpecial(in: UnsafeRawBufferPointer(utf8), from: runStart, extra: slash, nonASCII: &nonASCII)
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                guard index < utf8.count else { break }
                appendEscape(utf8[index], to: &bytes)
                runStart = index + 1
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, to bytes: inout [UInt8]) {
        let backslash = UInt8(ascii: "\\")
        switch byte {
        case UInt8(ascii: "\""), backslash, UInt8(ascii: "/"): bytes.append(contentsOf: [backslash, byte])
        case 0x08: bytes.append(contentsOf: [backslash, UInt8(ascii: "b")])
        case 0x0C: bytes.append(contentsOf: [backslash, UInt8(ascii: "f")])
        case 0x0A: bytes.append(contentsOf: [backslash, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [backslash, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [backslash, UInt8(ascii: "t")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [backslash, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
        }
    }
}

/// The bytes a number writes of itself. `_writeASCII` is the standard library's hook for ASCII from a buffer it owns;
/// without it, the stream's `write(_:)` gets a `String` made from that buffer.
private struct ASCIISink: TextOutputStream {
    var bytes: [UInt8] = []

    mutating func write(_ string: String) {
        bytes.append(contentsOf: string.utf8)
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }
}
