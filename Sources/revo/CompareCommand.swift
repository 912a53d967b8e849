import ArgumentParser
import Foundation
import RevoScenarios

/// `revo compare BASELINE.json REPORT.json`: exit 4 when a budget regressed.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a run's report.json with a baseline; exit 4 on a regression.",
        discussion: "Sim metrics are deterministic, so they are compared exactly unless --tolerance allows a deliberate change."
    )

    @Argument(help: "The baseline report.json (e.g. Reports/baselines/report.json).")
    var baseline: String

    @Argument(help: "The report.json of the run to judge.")
    var report: String

    @Option(help: "Relative worsening allowed, e.g. 5% or 0.05.")
    var tolerance = "0"

    func run() throws {
        let allowed = try parseTolerance(tolerance)
        let old = try readReport(baseline)
        let new = try readReport(report)
        let differences = BaselineComparison(tolerance: allowed).compare(baseline: old, current: new)
        let regressions = differences.filter { $0.kind == .regression }
        for difference in differences { print(difference) }
        print("\(regressions.count) regression(s), \(differences.count - regressions.count) other difference(s) against \(baseline)")
        if !regressions.isEmpty { throw ExitCode.regression }
    }

    private func parseTolerance(_ text: String) throws -> Double {
        let percent = text.hasSuffix("%")
        guard let value = Double(percent ? String(text.dropLast()) : text), value >= 0 else {
            throw ValidationError("--tolerance must be a non-negative number or percentage, got '\(text)'")
        }
        return percent ? value / 100 : value
    }
}

/// `revo report merge`: joins the report.json of several shards.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Work with reports.",
        subcommands: [MergeCommand.self]
    )

    struct MergeCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge",
            abstract: "Join the report.json files of several shards into one set of reports; exits with the merged verdict."
        )

        @Argument(help: "The shards' report.json files.")
        var reports: [String]

        @Option(help: "Where to write the merged reports.")
        var out: String

        func run() throws {
            guard !reports.isEmpty else { throw ValidationError("give at least one report.json") }
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
    }
}

/// Reads a report.json, or exits 64 naming the file and what is wrong with it.
func readReport(_ path: String) throws -> RunReport {
    do {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(RunReport.self, from: data)
    } catch let error as DecodingError {
        printError("\(path): not a revo report.json: \(error)")
        throw ExitCode.usage
    } catch {
        printError("\(path): cannot read: \(error.localizedDescription)")
        throw ExitCode.usage
    }
}
