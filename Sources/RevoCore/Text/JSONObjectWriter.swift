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
        // Digits written in place: `String(value)` allocated a string for every number of every answer.
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }

    /// A non-finite number, which JSON cannot hold, is written as null.
    public mutating func field(_ key: StaticString, _ value: Double) {
        self.key(key)
        guard value.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        let text = value.description.utf8
        // Compared as bytes: `String.hasSuffix` compares characters, several times the cost of the formatting.
        let whole = text.count >= 2 && text.last == UInt8(ascii: "0") && text.dropLast().last == UInt8(ascii: ".")
        bytes.append(contentsOf: whole ? text.dropLast(2) : text[...])
    }

    public mutating func field(_ key: StaticString, _ value: Bool) {
        self.key(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// A nested object, written by `write` in place.
    public mutating func field(_ key: StaticString, object write: (inout JSONObjectWriter) -> Void) {
        self.key(key)
        var object = JSONObjectWriter(continuing: bytes, escapesSlashes: escapesSlashes)
        bytes = []
        write(&object)
        bytes = object.finished()
    }

    /// An array of objects, each written by `write` in place.
    public mutating func field<Element>(_ key: StaticString, objects: some Sequence<Element>, _ write: (inout JSONObjectWriter, Element) -> Void) {
        self.key(key)
        bytes.append(UInt8(ascii: "["))
        var first = true
        for element in objects {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            // The element's writer takes over this buffer and hands it back: no buffer of its own per object.
            var object = JSONObjectWriter(continuing: bytes, escapesSlashes: escapesSlashes)
            bytes = []
            write(&object, element)
            bytes = object.finished()
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// The object's text, closed.
    public consuming func finished() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    public var text: String { String(decoding: finished(), as: UTF8.self) }

    private init(continuing bytes: [UInt8], escapesSlashes: Bool) {
        self.bytes = bytes
        self.bytes.append(UInt8(ascii: "{"))
        self.escapesSlashes = escapesSlashes
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

    /// The string quoted and escaped. Runs of bytes that need no escape are copied at once: a byte at a time was a
    /// third of the writer's cost.
    static func appendString(_ string: String, to bytes: inout [UInt8], escapingSlashes: Bool) {
        // Left unescaped, `/` is replaced by a byte escaped anyway, so the test below stays one comparison per byte.
        let slash = escapingSlashes ? UInt8(ascii: "/") : UInt8(ascii: "\"")
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            for (index, byte) in utf8.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == slash {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                appendEscape(byte, to: &bytes)
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
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
