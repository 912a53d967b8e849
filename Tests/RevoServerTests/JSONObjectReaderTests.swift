import Foundation
import Testing

@testable import RevoServer

@Suite("JSON object reader")
struct JSONObjectReaderTests {
    static func read(_ text: String) throws(APIError) -> JSONObject {
        var text = text
        return try text.withUTF8 { bytes in Result { () throws(APIError) in try JSONObject(parsing: UnsafeRawBufferPointer(bytes)) } }.get()
    }

    static func readBytes(_ bytes: [UInt8]) throws(APIError) -> JSONObject {
        try bytes.withUnsafeBytes { bytes in Result { () throws(APIError) in try JSONObject(parsing: bytes) } }.get()
    }

    /// What Foundation says of the same bytes: a JSON object, or not.
    static func foundationAccepts(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any]
    }

    /// Where the reader and Foundation may part, on purpose: Foundation on Linux also takes a trailing comma (`[1,]`),
    /// which RFC 8259 does not allow and the reader refuses; and it refuses a number beyond a Double's range, which is
    /// JSON all the same: the reader reads it, and the field that wants a number answers 422.
    static func agree(_ bytes: [UInt8]) -> Bool {
        let reader = readerAccepts(bytes)
        let foundation = foundationAccepts(bytes)
        guard reader != foundation else { return true }
        let text = String(decoding: bytes, as: UTF8.self)
        if foundation {
            return text.contains(/,\s*[}\]]/)
        }
        return text.matches(of: /-?\d+(\.\d+)?[eE][+-]?\d+/).contains { Double($0.output.0).map { !$0.isFinite } ?? true }
    }

    static func readerAccepts(_ bytes: [UInt8]) -> Bool {
        do {
            _ = try readBytes(bytes)
            return true
        } catch {
            return false
        }
    }

    @Test(
        "objects Foundation reads, the reader reads; text Foundation refuses, the reader refuses (trailing commas aside)",
        arguments: [
            #"{}"#, #" { "a" : 1 } "#, #"{"a":[1,2,{"b":null}],"c":{"d":[]}}"#, #"{"a":-0.5e+10,"b":0,"c":-0,"d":1E3}"#,
            #"{"a":"\u00e9\ud83d\ude00\n\t\"\\\/"}"#, #"{"a":true,"b":false,"c":null}"#, "{\"a\":\"é😀\"}",
            #"{"a":1,}"#, #"{"a":01}"#, #"{"a":.5}"#, #"{"a":1.}"#, #"{"a":+1}"#, #"{"a":1e}"#, #"{"a":NaN}"#, #"{a:1}"#,
            #"{"a":'x'}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{"a":"\ud800"}"#, #"{"a":"\udc00"}"#, #"{"a" 1}"#, #"{"a":1"#,
            #"{"a":1} x"#, #"{"a":[1,]}"#, #"{"a":tru}"#, #"{"a":"x"#, "{\"a\":\"\u{1}\"}", #"{"a":1}{}"#, "",
        ]
    )
    func agreesWithFoundation(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(Self.agree(bytes), "\(text)")
        if text.contains(/,\s*[}\]]/) { #expect(!Self.readerAccepts(bytes), "a trailing comma is not JSON") }
    }

    @Test("strings come out as Foundation reads them, escapes and surrogate pairs included")
    func strings() throws {
        let text = #"{"s":"plain \"quoted\" back\\slash \/ \b\f\n\r\t \u0041\u00e9\u4e2d \ud83d\ude00 é😀"}"#
        let object = try Self.read(text)
        let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(try object.string("s") == foundation?["s"] as? String)
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        #expect(!Self.readerAccepts(Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)))
        #expect(!Self.readerAccepts(Array(#"{"a":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8)), "a surrogate written as UTF-8")
    }

    @Test("random edits of a valid body: the reader accepts what Foundation accepts, but for the two differences on purpose")
    func mutations() {
        let seed = Array(#"{"content":"hi \"there\" \u00e9","max_tokens":16,"temperature":0.5e1,"x":[true,null,{"y":-1}]}"#.utf8)
        let alphabet = Array(#"{}[]:,"\ u0123456789abcdefABEtrunlsx.-+e/"#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
        var random = SplitMix(state: 7)
        for _ in 0..<5_000 {
            var bytes = seed
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let position = Int(random.next() % UInt64(bytes.count))
                let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
                switch random.next() % 3 {
                case 0: bytes[position] = byte
                case 1: bytes.insert(byte, at: position)
                default: bytes.remove(at: position)
                }
            }
            #expect(Self.agree(bytes), "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test("nesting past 512 levels is refused, not followed down the stack")
    func depth() {
        let deep = #"{"a":"# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}"
        #expect(throws: APIError.self) { try Self.read(deep) }
        let fine = #"{"a":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(throws: Never.self) { try Self.read(fine) }
    }

    @Test(
        "chat fields: wrong types are 422 naming the field; a name given twice or bad JSON is 400; a non-object is 422",
        arguments: [
            (#"{"content":"a","max_tokens":16.5}"#, 422, "max_tokens"),
            (#"{"content":"a","max_tokens":99999999999999999999}"#, 422, "max_tokens"),
            (#"{"content":"a","max_tokens":"16"}"#, 422, "max_tokens"),
            (#"{"content":"a","temperature":1e400}"#, 422, "temperature"),
            (#"{"content":"a","use_memory":1}"#, 422, "use_memory"),
            (#"{"content":null}"#, 422, "content"),
            (#"{"max_tokens":5}"#, 422, "content"),
            (#"[{"content":"a"}]"#, 422, "body"),
            (#"{"content":"a","content":"b"}"#, 400, nil as String?),
            (#"{"content":"a",}"#, 400, nil),
        ]
    )
    func chatFieldErrors(text: String, status: Int, field: String?) {
        do {
            _ = try ChatBody(Self.read(text))
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.status.code == status)
            #expect(error.field == field)
        }
    }

    @Test("whole numbers may be written with a fraction or an exponent that leaves them whole; null is absent")
    func numbers() throws {
        let body = try ChatBody(Self.read(#"{"content":"a","max_tokens":1e2,"temperature":-0,"provider":null}"#))
        #expect(body.maxTokens == 100 && body.temperature == 0 && body.provider == nil)
        #expect(try ChatBody(Self.read(#"{"content":"a","max_tokens":16.0}"#)).maxTokens == 16)
    }

    @Test("a malformed body's message says what is wrong and where")
    func syntaxMessage() {
        do {
            _ = try Self.read(#"{"content" "a"}"#)
        } catch {
            #expect(error.message == #"the body is not valid JSON: expected ':' after "content", found '"' at byte 11"#)
        }
    }
}

/// Seeded draws for the mutation test.
private struct SplitMix {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("JSON values and strict bodies")
struct JSONValueTests {
    static func value(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { try JSONValue(parsing: UnsafeRawBufferPointer($0)) }
    }

    @Test("a whole answer is read with its nested arrays and objects, numbers as written")
    func nested() throws {
        let answer = try Self.value(
            #"{"provider":"openai","cost_usd":0.5,"trace":[{"outcome":"skipped","retry":0},{"outcome":"answered","retry":1}],"stale":false}"#
        )
        #expect(answer["provider"]?.string == "openai")
        #expect(answer["cost_usd"]?.double == 0.5 && answer["cost_usd"]?.int == nil)
        #expect(answer["trace"]?.array?.map { $0["outcome"]?.string } == ["skipped", "answered"])
        #expect(answer["trace"]?.array?.last?["retry"]?.int == 1)
        #expect(answer["stale"]?.bool == false && answer["missing"] == nil)
        #expect(try Self.value("[1, [2, {}]]").array?.count == 2)
        #expect(throws: JSONObjectReader.SyntaxError.self) { try Self.value(#"{"a": [1, 2,]}"#) }
    }

    @Test(
        "a member a body does not have is 422 unknown_field naming it and the field probably meant",
        arguments: [
            (#"{"content":"hi","max_token":16}"#, "max_token", "did you mean max_tokens?"),
            (#"{"content":"hi","colour":"red"}"#, "colour", "allowed: content, system_prompt"),
        ]
    )
    func unknownMember(body: String, field: String, hint: String) throws {
        var text = body
        let object = try text.withUTF8 { bytes in try JSONObject(parsing: UnsafeRawBufferPointer(bytes)) }
        do {
            _ = try ChatBody(object)
            Issue.record("an unknown member must be refused")
        } catch {
            #expect(error.status == .unprocessableContent && error.code == "unknown_field" && error.field == field)
            #expect(error.message.hasPrefix("\(field): unknown field") && error.message.contains(hint))
        }
    }
}

@Suite("WebSocket events")
struct SocketEventTests {
    @Test("an event's JSON is byte for byte what JSONEncoder with snake_case and sorted keys writes")
    func sameBytesAsTheEncoder() throws {
        var token = SocketEvent(type: "token", messageId: "m/1")
        token.content = "Hello \"there\"\n"
        var done = SocketEvent(type: "response", messageId: "m1")
        done.content = "Hello there."
        done.provider = "openai"
        done.tokensUsed = 9
        done.generationTime = 0.41
        done.attempted = ["llama_local", "openai"]
        var cut = SocketEvent(type: "interrupted", messageId: "m2")
        cut.deliveredTokens = 3
        cut.message = "stream disconnected after 3 tokens"
        cut.attempted = []
        var ready = SocketEvent(type: "ready")
        ready.user = "ada"
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        for event in [token, done, cut, ready, .error(APIError(status: .badRequest, code: "busy", message: "one at a time", field: "type"))] {
            #expect(event.json == String(decoding: try encoder.encode(event), as: UTF8.self))
        }
    }
}

@Suite("JSON values kept in part")
struct PartialJSONTests {
    @Test("members left out are checked as strictly, and only the kept ones are built")
    func keeping() throws {
        func read(_ text: String) throws -> JSONValue {
            var text = text
            return try text.withUTF8 { try JSONValue(parsing: UnsafeRawBufferPointer($0), keeping: ["a", "t"]) }
        }
        let value = try read(#"{"a":1,"content":"long text é","t":[{"x":"y"}],"n":{"deep":[1,2]}}"#)
        #expect(
            value
                == .object([
                    .init(key: "a", value: .number(.init(text: "1", isIntegral: true))),
                    .init(key: "t", value: .array([.object([.init(key: "x", value: .string("y"))])])),
                ])
        )
        // Errors in a member that is left out are found all the same.
        for bad in [#"{"a":1,"content":"cut}"#, #"{"a":1,"n":[1,]}"#, "{\"a\":1,\"content\":\"\u{1}\"}", #"{"a":1,"content":"x"} trailing"#] {
            #expect(throws: JSONObjectReader.SyntaxError.self) { try read(bad) }
        }
        let invalidUTF8: [UInt8] = Array(#"{"a":1,"content":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONObjectReader.SyntaxError.self) { try invalidUTF8.withUnsafeBytes { try JSONValue(parsing: $0, keeping: ["a"]) } }
    }
}
