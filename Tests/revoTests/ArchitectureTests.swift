import Foundation
import Testing

/// docs/architecture.md draws the module graph; Package.swift is the graph. They must agree, and the README and
/// docs must stay a front door with links that lead somewhere.
@Suite("Architecture and docs")
struct ArchitectureTests {
    static let root = RevoProcess.checkout

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Each non-test target of a manifest and the targets of this package it depends on.
    static func manifestGraph(_ manifest: String) -> [String: Set<String>] {
        let declaration = /\.(target|executableTarget|systemLibrary|testTarget)\(\s*name:\s*"([^"]+)"/
        let matches = manifest.matches(of: declaration)
        let names = Set(matches.map { String($0.output.2) })
        var graph: [String: Set<String>] = [:]
        for (index, match) in matches.enumerated() where match.output.1 != "testTarget" {
            let end = index + 1 < matches.count ? matches[index + 1].range.lowerBound : manifest.endIndex
            let body = manifest[match.range.upperBound..<end]
            // A dependency on another target of the package is a bare string literal on its own line.
            let dependencies = body.matches(of: /\n\s*"([^"]+)",?\s*(?=\n)/).map { String($0.output.1) }
            graph[String(match.output.2)] = Set(dependencies.filter(names.contains))
        }
        return graph
    }

    /// The lines `A → B, C` between the document's module-graph markers.
    static func documentedGraph(_ document: String) throws -> [String: Set<String>] {
        let start = try #require(document.range(of: "<!-- module graph -->"), "docs/architecture.md has no module graph")
        let end = try #require(document.range(of: "<!-- end module graph -->"))
        var graph: [String: Set<String>] = [:]
        for line in document[start.upperBound..<end.lowerBound].split(separator: "\n") where line.contains("→") {
            let sides = line.split(separator: "→", maxSplits: 1, omittingEmptySubsequences: false)
            let module = sides[0].trimmingCharacters(in: .whitespaces)
            let dependencies = sides[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            graph[module] = Set(dependencies)
        }
        return graph
    }

    @Test("the module graph in docs/architecture.md is Package.swift's")
    func graph() throws {
        let manifest = Self.manifestGraph(try Self.read("Package.swift"))
        #expect(manifest["RevoRuntime"] == [])
        #expect(manifest["RevoCore"] == ["RevoRuntime"])
        #expect(manifest["RevoSim"] == ["RevoRuntime", "RevoCore"])
        #expect(manifest["RevoFaultProxy"] == ["RevoRuntime"])
        // One way: the scenario model and the simulation know nothing of live mode's services and proxies.
        #expect(manifest["RevoScenarios"]?.isDisjoint(with: ["RevoLive", "RevoDrivers", "RevoFaultProxy", "RevoFakeLLM", "RevoBenchmarks"]) == true)
        let documented = try Self.documentedGraph(try Self.read("docs/architecture.md"))
        for module in Set(manifest.keys).union(documented.keys).sorted() {
            #expect(
                documented[module] == manifest[module],
                "\(module): the document says \(documented[module].map { $0.sorted() } ?? []), Package.swift \(manifest[module].map { $0.sorted() } ?? [])"
            )
        }
    }

    @Test("a graph that differs is found: an edge added to the manifest, a module missing from the document")
    func graphCanFail() throws {
        let manifest = try Self.read("Package.swift").replacingOccurrences(
            of: "name: \"RevoFaultProxy\",\n            dependencies: [\n",
            with: "name: \"RevoFaultProxy\",\n            dependencies: [\n                \"RevoSim\",\n"
        )
        #expect(Self.manifestGraph(manifest)["RevoFaultProxy"] == ["RevoRuntime", "RevoSim"])
        let document = try Self.read("docs/architecture.md").replacingOccurrences(of: "RevoSim        → RevoRuntime, RevoCore\n", with: "")
        #expect(try Self.documentedGraph(document)["RevoSim"] == nil)
    }

    @Test("the README is a front door of at most 120 lines; every relative link in it and in docs/ resolves")
    func links() throws {
        #expect(try Self.read("README.md").split(separator: "\n", omittingEmptySubsequences: false).count <= 120)
        let pages =
            ["README.md", "Scenarios/README.md", "deploy/README.md"]
            + (try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("docs").path))
            .filter { $0.hasSuffix(".md") }.map { "docs/" + $0 }
        for page in pages.sorted() {
            let folder = Self.root.appendingPathComponent(page).deletingLastPathComponent()
            for link in try Self.read(page).matches(of: /\]\(([^)\s#]+)(#[^)]*)?\)/) {
                let target = String(link.output.1)
                guard !target.contains("://"), !target.hasPrefix("mailto:") else { continue }
                let exists = FileManager.default.fileExists(atPath: folder.appendingPathComponent(target).standardized.path)
                #expect(exists, "\(page) links to \(target), which does not exist")
            }
        }
    }
}
