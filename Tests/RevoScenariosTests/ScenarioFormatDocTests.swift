import Foundation
import Testing

@testable import RevoScenarios

/// docs/scenarios.md is the format's reference: its example must be a file the loader accepts, and every name the
/// loader knows must be on the page.
@Suite("docs/scenarios.md against the loader")
struct ScenarioFormatDocTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func page() throws -> String {
        try String(contentsOf: root.appendingPathComponent("docs/scenarios.md"), encoding: .utf8)
    }

    /// The page's first YAML block: the annotated example of every key.
    static func example(in page: String) throws -> String {
        let start = try #require(page.range(of: "```yaml\n"), "docs/scenarios.md has no YAML example")
        let end = try #require(page.range(of: "```", range: start.upperBound..<page.endIndex))
        return String(page[start.upperBound..<end.lowerBound])
    }

    /// Every key the loader reads: the names passed to `optional` and `required` in its sources, and the top level's.
    static func loaderKeys() throws -> Set<String> {
        let folder = root.appendingPathComponent("Sources/RevoScenarios/Loading")
        var keys: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for match in source.matches(of: /\.(?:optional|required)\("([a-z_]+)"\)/) { keys.insert(String(match.output.1)) }
        }
        return keys
    }

    /// Every value the loader names: operations, bad input, fault kinds and targets, events, invariants, check kinds,
    /// tokens, threshold metrics and tags.
    static var vocabulary: Set<String> {
        Set(
            Workload.Operation.mixable.map(\.rawValue) + BadInput.allCases.map(\.rawValue) + ScenarioLoader.faultKinds
                + ScenarioLoader.faultTargets + EventAssertion.Event.allCases.map(\.rawValue) + ScenarioLoader.invariants
                + ScenarioLoader.checkKinds + Probe.Token.allCases.map(\.rawValue) + Threshold.Metric.allCases.map(\.rawValue)
                + ThresholdParser.tagKeys + SystemSpec.PlantedBug.allCases.map(\.rawValue)
        )
    }

    /// The names in `names` the page does not mention as a word.
    static func missing(_ names: Set<String>, from page: String) -> [String] {
        let text = Array(page.utf8)
        func isWord(_ index: Int) -> Bool {
            guard text.indices.contains(index) else { return false }
            let byte = text[index]
            return byte == UInt8(ascii: "_") || (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
        }
        func mentions(_ name: String) -> Bool {
            let word = Array(name.utf8)
            guard let first = word.first else { return true }
            for start in text.indices where text[start] == first && start + word.count <= text.count {
                if Array(text[start..<start + word.count]) == word, !isWord(start - 1), !isWord(start + word.count) { return true }
            }
            return false
        }
        return names.filter { !mentions($0) }.sorted()
    }

    @Test("the example is a scenario the loader accepts as it stands")
    func exampleLoads() throws {
        let scenario = try ScenarioLoader.parse(try Self.example(in: try Self.page()), file: "docs/scenarios.md")
        #expect(!scenario.faults.isEmpty && !scenario.browserProbes.isEmpty && !scenario.probes.isEmpty)
    }

    @Test("every key the loader reads, and every name it knows, is on the page")
    func everythingKnownIsDocumented() throws {
        let page = try Self.page()
        let keys = try Self.loaderKeys()
        #expect(keys.count > 50, "found only \(keys.count) keys in the loader's sources")
        #expect(Self.missing(keys, from: page) == [], "keys the loader reads that docs/scenarios.md does not name")
        #expect(Self.missing(Self.vocabulary, from: page) == [], "names the loader knows that docs/scenarios.md does not mention")
    }

    @Test("the checks can fail: a key the loader does not know is refused, a name left off the page is found")
    func checksCanFail() throws {
        let example = try Self.example(in: try Self.page()).replacingOccurrences(of: "  max_tokens: 128\n", with: "  max_token: 128\n")
        #expect(throws: ScenarioError.self) { try ScenarioLoader.parse(example, file: "docs/scenarios.md") }
        let page = try Self.page().replacingOccurrences(of: "stream_stall", with: "")
        #expect(Self.missing(Self.vocabulary, from: page) == ["stream_stall"])
    }
}
