import RevoCore

/// Reads JSON text (RFC 8259, strictly: no trailing commas, no comments, valid UTF-8, at most 512 levels deep) into
/// ``JSONValue``s: a request body into its members, for the routes that serve the most requests, or any answer whole.
/// Foundation's `JSONDecoder` cost the chat route more than any other single step, most of it in generic machinery a
/// flat body does not need.
public struct JSONObjectReader {
    /// Why the text is not JSON, and where.
    public struct SyntaxError: Error, Equatable, CustomStringConvertible {
        public var offset: Int
        public var problem: String

        public var description: String { "\(problem) at byte \(offset)" }
    }

    static let maximumDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    /// The top-level members whose values are built; the others are checked as strictly and left out. nil: all.
    private var keeping: [String]?
    /// False while checking a value that is left out: nothing is allocated for it.
    private var building = true

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The members of the object `bytes` holds, in order; nil when the text is JSON but not an object.
    static func members(of bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> [JSONObject.Member]? {
        var reader = JSONObjectReader(bytes)
        reader.skipWhitespace()
        let members: [JSONObject.Member]?
        if reader.peek == UInt8(ascii: "{") {
            members = try reader.object(depth: 0)
        } else {
            _ = try reader.value(depth: 0)
            members = nil
        }
        try reader.finish()
        return members
    }

    /// The one value `bytes` holds; when it is an object and `keeping` is given, with only those members (the others
    /// are checked as strictly, for a reader that needs a few fields of a large answer).
    static func value(of bytes: UnsafeRawBufferPointer, keeping: [String]? = nil) throws(SyntaxError) -> JSONValue {
        var reader = JSONObjectReader(bytes)
        reader.keeping = keeping
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        try reader.finish()
        return value
    }

    private mutating func finish() throws(SyntaxError) {
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected \(describePeek) after the value") }
    }

    // MARK: Values

    private mutating func object(depth: Int) throws(SyntaxError) -> [JSONObject.Member] {
        index += 1
        var members: [JSONObject.Member] = []
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            return members
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw error("expected a quoted member name, found \(describePeek)") }
            let key = try string()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw error("expected ':' after \"\(key)\", found \(describePeek)") }
            index += 1
            skipWhitespace()
            if depth == 0, let keeping, !keeping.contains(key) {
                building = false
                _ = try self.value(depth: depth + 1)
                building = true
            } else {
                let value = try self.value(depth: depth + 1)
                if building {
                    // Room for the members of a usual object at once, rather than growing through 1, 2, 4 and 8.
                    if members.isEmpty { members.reserveCapacity(8) }
                    members.append(JSONObject.Member(key: key, value: value))
                }
            }
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return members
            default: throw error("expected ',' or '}' in the object, found \(describePeek)")
            }
        }
    }

    private mutating func value(depth: Int) throws(SyntaxError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth) levels") }
        switch peek {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): return .object(try object(depth: depth))
        case UInt8(ascii: "["): return .array(try array(depth: depth))
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default: return .number(try number())
        }
    }

    private mutating func array(depth: Int) throws(SyntaxError) -> [JSONValue] {
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            return items
        }
        while true {
            skipWhitespace()
            let item = try value(depth: depth + 1)
            if building { items.append(item) }
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return items
            default: throw error("expected ',' or ']' in the array, found \(describePeek)")
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count, word.withUTF8Buffer({ $0.elementsEqual(bytes[index..<index + count]) }) else {
            throw error("expected a value, found \(describePeek)")
        }
        index += count
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as written.
    private mutating func number() throws(SyntaxError) -> JSONObject.Number {
        let start = index
        var integral = true
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, isDigit(first) else { throw error("expected a value, found \(describeByte(at: start))") }
        index += 1
        if first == UInt8(ascii: "0"), let next = peek, isDigit(next) { throw error("a number may not start with 0") }
        skipDigits()
        if peek == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard let digit = peek, isDigit(digit) else { throw error("expected a digit after '.'") }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            integral = false
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek, isDigit(digit) else { throw error("expected a digit in the exponent") }
            skipDigits()
        }
        return JSONObject.Number(text: building ? String(decoding: bytes[start..<index], as: UTF8.self) : "", isIntegral: integral)
    }

    /// A quoted string, unescaped; the text must be valid UTF-8 without raw control characters.
    private mutating func string() throws(SyntaxError) -> String {
        index += 1
        let start = index
        // The common case, no escapes: the bytes as they are.
        var nonASCII = false
        index = JSONStringScan.firstSpecial(in: bytes, from: start, extra: UInt8(ascii: "\""), nonASCII: &nonASCII)
        if let byte = peek, byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw error("a control character must be escaped in a string") }
            guard let text = Self.text(UnsafeRawBufferPointer(rebasing: bytes[start..<index]), building: building, ascii: !nonASCII) else {
                throw SyntaxError(offset: start, problem: "a string is not valid UTF-8")
            }
            index += 1
            return text
        }
        var unescaped = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = unescaped.withUnsafeBytes({ Self.text($0, building: true, ascii: $0.allSatisfy { $0 < 0x80 }) }) else {
                    throw SyntaxError(offset: start, problem: "a string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                try unescape(into: &unescaped)
            case 0..<0x20:
                index -= 1
                throw error("a control character must be escaped in a string")
            default:
                unescaped.append(byte)
            }
        }
        throw SyntaxError(offset: start - 1, problem: "a string is not closed")
    }

    /// `bytes` as a string, or nil when they are not UTF-8; "" for a value left out. ASCII, the common case, is valid
    /// UTF-8 as it stands and needs no decoder; the stdlib's validating initializer looks up generic metadata per call.
    private static func text(_ bytes: UnsafeRawBufferPointer, building: Bool, ascii: Bool) -> String? {
        if !building { return ascii || String(validating: bytes, as: UTF8.self) != nil ? "" : nil }
        return ascii ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
    }

    private mutating func unescape(into text: inout [UInt8]) throws(SyntaxError) {
        guard let escaped = peek else { throw error("a string is not closed") }
        index += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low one: together they name one scalar.
                guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("a \\u escape of a high surrogate is not followed by a low one")
                }
                index += 2
                let low = try hexQuad()
                guard (0xDC00..<0xE000).contains(low) else { throw error("a \\u escape of a high surrogate is not followed by a low one") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw error("a \\u escape names a lone low surrogate")
            }
            text.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        default:
            index -= 1
            throw error("'\\\(describeByte(at: index))' is not an escape")
        }
    }

    private mutating func hexQuad() throws(SyntaxError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw error("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    // MARK: Bytes

    private var peek: UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func skipDigits() {
        while let byte = peek, isDigit(byte) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private var describePeek: String { describeByte(at: index) }

    private func describeByte(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the body" }
        let byte = bytes[offset]
        return (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private func error(_ problem: String) -> SyntaxError {
        SyntaxError(offset: index, problem: problem)
    }
}
