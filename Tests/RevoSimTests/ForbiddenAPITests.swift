import Foundation
import Testing

@Suite("Forbidden APIs")
struct ForbiddenAPITests {
    /// The package root, found from this file's location: Tests/RevoSimTests/ForbiddenAPITests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("RevoRuntime, RevoCore and RevoSim use no wall clock, real sleep, unseeded randomness or escaping task")
    func sourcesAreClean() throws {
        let sources = Self.root.appendingPathComponent("Sources")
        let simulation = sources.appendingPathComponent("RevoSim")
        let core = sources.appendingPathComponent("RevoCore")
        #expect(FileManager.default.fileExists(atPath: simulation.path), "RevoSim sources not found at \(simulation.path)")
        var violations = try ForbiddenAPIScanner.scan(directory: simulation, relativeTo: Self.root, rules: ForbiddenAPIScanner.common)
        for layer in [sources.appendingPathComponent("RevoRuntime"), core] {
            #expect(FileManager.default.fileExists(atPath: layer.path), "sources not found at \(layer.path)")
            violations += try ForbiddenAPIScanner.scan(
                directory: layer,
                relativeTo: Self.root,
                rules: ForbiddenAPIScanner.common + ForbiddenAPIScanner.coreOnly
            )
        }
        #expect(violations.isEmpty, "forbidden calls:\n\(violations.map(\.description).joined(separator: "\n"))")
    }

    @Test("the scanner finds each forbidden call and names its line")
    func scannerFindsViolations() {
        let source = """
            let a = Date()
            try await Task.sleep(for: .seconds(1))
            let id = UUID()
            var g = SystemRandomNumberGenerator()
            let n = Int.random(in: 0..<10)
            let t = DispatchTime.now()
            let c = ContinuousClock()
            Task { await work() }
            Task.detached(priority: .high) { }
            Task(priority: .low) { }
            Thread.sleep(forTimeInterval: 1)
            let e = [1, 2].randomElement()
            """
        let found = ForbiddenAPIScanner.scan(
            source: source,
            file: "Sample.swift",
            rules: ForbiddenAPIScanner.common + ForbiddenAPIScanner.coreOnly
        )
        #expect(found.map(\.line) == Array(1...12))
        #expect(found.first?.description == "Sample.swift:1: Date() — wall-clock time; take an injected Clock")
    }

    @Test("comments, strings, seeded calls and preferred tasks are not violations")
    func scannerIgnoresAllowedUses() {
        let source = #"""
            // Date() is forbidden here; so is Task.sleep
            /* UUID() in a block
               comment, SystemRandomNumberGenerator */
            let message = "never call Date() or UUID()"
            let escaped = "quote \" then Date()"
            let text = """
                Task.sleep and DispatchTime in a multi-line string
                """
            let n = Int.random(in: 0..<10, using: &generator)
            let shuffled = items.shuffled(using: &generator)
            let task = Task(executorPreference: sim) { }
            let expiry = deadline.advanced(by: .seconds(1))
            """#
        let found = ForbiddenAPIScanner.scan(
            source: source,
            file: "Clean.swift",
            rules: ForbiddenAPIScanner.common + ForbiddenAPIScanner.coreOnly
        )
        #expect(found.isEmpty, "\(found)")
    }
}
