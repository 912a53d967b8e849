import Foundation
import Testing

@testable import RevoCore

@Suite("JSON object writer")
struct JSONObjectWriterTests {
    private struct Sample: Encodable {
        var a: String
        var b: Double
        var c: Int
        var d: Bool
        var e: String?
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    private static func written(_ sample: Sample, escapesSlashes: Bool = true) -> String {
        var writer = JSONObjectWriter(escapesSlashes: escapesSlashes)
        writer.field("a", sample.a)
        writer.field("b", sample.b)
        writer.field("c", sample.c)
        writer.field("d", sample.d)
        writer.field("e", sample.e)
        return writer.finishedText()
    }

    @Test(
        "strings are escaped as JSONEncoder escapes them: quotes, backslashes, slashes, every control character",
        arguments: [
            "", "plain", "a/b", "quote \" and \\ backslash", "tab\tnew\nline\rcarriage", "é 😀 \u{2028} \u{7F}",
            String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }),
        ]
    )
    func strings(_ text: String) throws {
        let sample = Sample(a: text, b: 0, c: 0, d: false, e: text)
        #expect(Self.written(sample) == String(decoding: try Self.encoder.encode(sample), as: UTF8.self))
        let plainSlashes = JSONEncoder()
        plainSlashes.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(Self.written(sample, escapesSlashes: false) == String(decoding: try plainSlashes.encode(sample), as: UTF8.self))
    }

    @Test(
        "numbers, booleans and absent optionals come out byte for byte as JSONEncoder writes them",
        arguments: [
            0.0, -0.0, 1, 1.5, 0.0001, 1e-05, 123_456_789, 1e16, 2.5e-7, 1.0 / 3.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -42.125,
        ]
    )
    func numbers(_ value: Double) throws {
        let sample = Sample(a: "x", b: value, c: Int(value.rounded(.towardZero).clamped(to: -1e15...1e15)), d: value > 1, e: nil)
        #expect(Self.written(sample) == String(decoding: try Self.encoder.encode(sample), as: UTF8.self))
    }

    @Test("integers come out as JSONEncoder writes them, the extremes included", arguments: [0, 7, -1, 10, -42, 1_234_567_890, Int.max, Int.min])
    func integers(_ value: Int) throws {
        let sample = Sample(a: "x", b: 0, c: value, d: true, e: nil)
        #expect(Self.written(sample) == String(decoding: try Self.encoder.encode(sample), as: UTF8.self))
    }

    @Test("a number JSON cannot hold is written as null, so the text stays JSON")
    func nonFinite() throws {
        var writer = JSONObjectWriter()
        writer.field("x", Double.nan)
        writer.field("y", -Double.infinity)
        #expect(writer.finishedText() == #"{"x":null,"y":null}"#)
        #expect(try JSONSerialization.jsonObject(with: Data(writer.finishedText().utf8)) is [String: Any])
    }

    @Test("arrays of objects, empty or not, nest as JSONEncoder nests them")
    func arrays() throws {
        struct Item: Encodable {
            var name: String
            var size: Int
        }
        struct Outer: Encodable {
            var items: [Item]
            var none: [Item]
        }
        let outer = Outer(items: [Item(name: "one", size: 1), Item(name: "two", size: 2)], none: [])
        var writer = JSONObjectWriter()
        func write(_ object: inout JSONObjectWriter, _ item: Item) {
            object.field("name", item.name)
            object.field("size", item.size)
        }
        writer.field("items", objects: outer.items, write)
        writer.field("none", objects: outer.none, write)
        #expect(writer.finishedText() == String(decoding: try Self.encoder.encode(outer), as: UTF8.self))
    }
}

extension Double {
    fileprivate func clamped(to range: ClosedRange<Double>) -> Double {
        Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }
}
