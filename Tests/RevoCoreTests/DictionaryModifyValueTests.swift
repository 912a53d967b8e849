import RevoRuntime
import Testing

@Suite("Dictionary: a value changed in place")
struct DictionaryModifyValueTests {
    @Test("the value under a present key changes and the closure's result comes back; an absent key inserts nothing")
    func modifiesPresentKeysOnly() {
        var windows: [String: [Int]] = ["openai": [1, 2], "anthropic": [3]]
        let before = windows
        let count = windows.modifyValue(forKey: "openai") { window -> Int in
            window.append(9)
            return window.count
        }
        #expect(count == 3)
        #expect(windows == ["openai": [1, 2, 9], "anthropic": [3]])
        #expect(before == ["openai": [1, 2], "anthropic": [3]], "a copy taken before keeps its values")
        #expect(windows.modifyValue(forKey: "mock") { $0.append(1) } == nil)
        #expect(windows["mock"] == nil && windows.count == 2)
    }
}
