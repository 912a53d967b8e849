import ArgumentParser
import Foundation
import RevoScenarios

/// `revo report merge`: joins the reports of several shards, of `revo run` (report.json) or `revo swarm` (swarm.json).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Work with reports.",
        subcommands: [MergeCommand.self]
    )

    struct MergeCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge",
            abstract: "Join the report.json (or swarm.json) files of several shards into one set of reports; exits with the merged verdict."
        )

        @Argument(help: "The shards' report.json files, or their swarm.json files.")
        var reports: [String]

        @Option(help: "Where to write the merged reports.")
        var out: String

        func run() throws {
            guard !reports.isEmpty else { throw ValidationError("give at least one report.json or swarm.json") }
            if reports.allSatisfy({ $0.hasSuffix("swarm.json") }) { return try mergeSwarms() }
            let merged = BaselineComparison.merge(try reports.map(readReport))
            do {
                try ReportWriter.write(merged, to: out)
            } catch {
                printError("revo report merge: cannot write \(out): \(error)")
                throw ExitCode.internalError
            }
            print("\(merged.scenarios.count) scenario(s) from \(reports.count) shard(s): \(merged.verdict.rawValue); reports in \(out)/")
            switch merged.verdict {
            case .pass: return
            case .fail: throw ExitCode.checkFailed
            case .unknown: throw ExitCode.unknown
            }
        }

        private func mergeSwarms() throws {
            let shards = try reports.map { path in
                do {
                    return try JSONDecoder().decode(SwarmReport.self, from: try Data(contentsOf: URL(fileURLWithPath: path)))
                } catch {
                    printError("\(path): not a revo swarm.json: \(error)")
                    throw ExitCode.usage
                }
            }
            let merged = SwarmReport.merge(shards)
            do {
                try SwarmReportWriter.write(merged, to: out)
            } catch {
                printError("revo report merge: cannot write \(out): \(error)")
                throw ExitCode.internalError
            }
            print("\(SwarmReportWriter.summary(merged)); from \(reports.count) shard(s); reports in \(out)/")
            if !merged.passed { throw ExitCode.checkFailed }
        }
    }
}
