/// Writes one JSON object by hand, byte for byte as Foundation's `JSONEncoder` with `.sortedKeys` writes it (slashes
/// escaped, doubles without a trailing `.0`), for the few shapes written on every chat request: the encoder's
/// generic machinery was the largest single cost of a request (`perf`). The caller writes fields in key order.
public struct JSONObjectWriter: Sendable {
    public private(set) var bytes: [UInt8]
    private var empty = true

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    public mutating func field(_ key: String, _ value: String) {
        self.key(key)
        Self.appendString(value, to: &bytes)
    }

    /// Omitted when nil, as `JSONEncoder` omits an absent optional.
    public mutating func field(_ key: String, _ value: String?) {
        if let value { field(key, value) }
    }

    public mutating func field(_ key: String, _ value: Int) {
        self.key(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A non-finite number, which JSON cannot hold, is written as null.
    public mutating func field(_ key: String, _ value: Double) {
        self.key(key)
        guard value.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    public mutating func field(_ key: String, _ value: Bool) {
        self.key(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// An array of objects, each written by `write` into a fresh writer.
    public mutating func field<Element>(_ key: String, objects: some Sequence<Element>, _ write: (inout JSONObjectWriter, Element) -> Void) {
        self.key(key)
        bytes.append(UInt8(ascii: "["))
        var first = true
        for element in objects {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            var object = JSONObjectWriter(capacity: 64)
            write(&object, element)
            bytes.append(contentsOf: object.finished())
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// The object's text, closed.
    public consuming func finished() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    public var text: String { String(decoding: finished(), as: UTF8.self) }

    private mutating func key(_ key: String) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        Self.appendString(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    static func appendString(_ string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "/"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "/")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
