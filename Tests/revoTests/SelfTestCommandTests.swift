import Foundation
import Testing

@testable import revo

@Suite("revo selftest and the command line")
struct SelfTestCommandTests {
    struct Report: Decodable {
        struct Run: Decodable {
            var digest: String
            var jobs: Int
            var timers: Int
            var foreignEnqueues: Int
        }
        var deterministic: Bool
        var runs: [Run]
    }

    private func selftest(seed: UInt64) async throws -> Report {
        let output = try await RevoProcess.run(["selftest", "--tasks", "3000", "--seed", "\(seed)", "--format", "json"])
        #expect(output.status == 0, "revo selftest failed: \(output.standardError)")
        return try JSONDecoder().decode(Report.self, from: Data(output.standardOutput.utf8))
    }

    @Test("two separate processes with the same seed print the same digest")
    func sameSeedAcrossProcesses() async throws {
        let first = try await selftest(seed: 2026)
        let second = try await selftest(seed: 2026)
        #expect(first.deterministic && second.deterministic)
        #expect(first.runs.count == 2)
        #expect(Set(first.runs.map(\.digest) + second.runs.map(\.digest)).count == 1)
        #expect(first.runs[0].jobs == second.runs[0].jobs)
        #expect(first.runs.allSatisfy { $0.foreignEnqueues == 0 })
    }

    @Test("a different seed prints a different digest")
    func differentSeedAcrossProcesses() async throws {
        let first = try await selftest(seed: 1)
        let second = try await selftest(seed: 2)
        #expect(first.runs[0].digest != second.runs[0].digest)
    }

    @Test("--version prints the version")
    func version() async throws {
        let output = try await RevoProcess.run(["--version"])
        #expect(output.status == 0)
        #expect(output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == RevoVersion.current)
    }

    @Test("--help lists the subcommands")
    func help() async throws {
        let output = try await RevoProcess.run(["--help"])
        #expect(output.status == 0)
        #expect(output.standardOutput.contains("selftest"))
    }

    @Test("bad usage exits 64 and names what is wrong")
    func badUsage() async throws {
        let zeroTasks = try await RevoProcess.run(["selftest", "--tasks", "0"])
        #expect(zeroTasks.status == 64)
        #expect(zeroTasks.standardError.contains("--tasks must be between 1 and 10000000, got 0"))

        let badFormat = try await RevoProcess.run(["selftest", "--format", "xml"])
        #expect(badFormat.status == 64)
        #expect(badFormat.standardError.contains("xml"))

        let unknown = try await RevoProcess.run(["no-such-command"])
        #expect(unknown.status == 64)
    }
}
