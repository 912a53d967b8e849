import Foundation
import Testing

@testable import revo

@Suite("JSON log lines")
struct JSONLogLineTests {
    @Test("strings are escaped so that every line parses, whatever a message holds")
    func escaping() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{7} é 🚀"
        let parsed = try JSONSerialization.jsonObject(with: Data(("[" + JSONLogLine.quoted(text) + "]").utf8)) as? [String]
        #expect(parsed == [text])
        #expect(!JSONLogLine.quoted(text).contains("\n"))
    }
}
