import ArgumentParser
import Foundation
import RevoScenarios

/// `revo budget report`: every budget of budgets.yaml judged on the figures this run's commands measured, against a
/// baseline and drawn over the history of earlier commits.
struct BudgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "Judge and report performance budgets.",
        subcommands: [ReportSubcommand.self, BudgetCompareCommand.self]
    )

    struct ReportSubcommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Each budget: observed value, limit, headroom, delta against the baseline, trend, verdict.",
            discussion: """
                Exit codes: 0 every measured budget within its limit and tolerance, 1 one past its limit or worse than \
                the baseline by more than its tolerance, 64 invalid input. Figures come from --observed files \
                (budgets.json of revo run --budgets, or a benchmark's); budgets nobody measured are listed, not failed. \
                The history is JSON lines, one per commit (docs/budgets.md).
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, markdown, html, json
        }

        @Option(help: "The budget file.")
        var budgets = "budgets.yaml"

        @Option(help: "A file of measured figures ({\"source\", \"figures\"}); repeat for several.")
        var observed: [String] = []

        @Option(help: "Figures of the baseline (same format); a budget worse than it by more than its tolerance fails.")
        var baseline: String?

        @Option(help: "History of earlier commits' figures, JSON lines; a missing file is an empty history.")
        var history: String?

        @Option(help: "How many earlier commits the trend draws.")
        var trend = 20

        @Option(help: "Append this run's figures to --history as this commit (e.g. $(git rev-parse --short HEAD)).")
        var record: String?

        @Option(help: "text, markdown (a pull-request comment), html or json.")
        var format = Format.text

        @Option(help: "Write the report to this file instead of standard output.")
        var out: String?

        func validate() throws {
            guard !observed.isEmpty else { throw ValidationError("give at least one --observed file of figures") }
            guard (0...1000).contains(trend) else { throw ValidationError("--trend must be between 0 and 1000, got \(trend)") }
            if record != nil, history == nil { throw ValidationError("--record appends to --history: give both") }
            if let record, record.isEmpty || record.contains(where: \.isWhitespace) {
                throw ValidationError("--record takes a commit id without spaces, got '\(record)'")
            }
        }

        func run() throws {
            let (file, figures, baselineFigures, past) = try readInputs()
            let report = BudgetReport(
                file: file,
                figures: figures,
                baseline: baselineFigures,
                history: past,
                trendLength: trend,
                commit: record
            )
            try emit(report)
            if let history, let record {
                let measured = file.budgets.reduce(into: [String: Double]()) { $0[$1.figure] = figures[$1.figure] }
                let entry = BudgetHistory.Entry(commit: record, date: ISO8601DateFormatter().string(from: Date()), figures: measured)
                try usage { () throws(BudgetError) in try BudgetHistory.append(entry, to: history) }
            }
            if !report.failed.isEmpty { throw ExitCode.checkFailed }
        }

        private func readInputs() throws -> (BudgetFile, [String: Double], [String: Double]?, BudgetHistory) {
            let file: BudgetFile
            do {
                file = try BudgetFile.load(file: budgets)
            } catch {
                printError("\(error)")
                throw ExitCode.usage
            }
            return try usage { () throws(BudgetError) in
                var files: [(path: String, observations: BudgetObservations)] = []
                for path in observed { files.append((path, try BudgetObservations.read(path))) }
                var baselineFigures: [String: Double]?
                if let baseline { baselineFigures = try BudgetObservations.read(baseline).figures }
                var past = BudgetHistory()
                if let history { past = try BudgetHistory.read(history) }
                return (file, try BudgetObservations.merge(files), baselineFigures, past)
            }
        }

        private func emit(_ report: BudgetReport) throws {
            let text: String
            switch format {
            case .text: text = report.text()
            case .markdown: text = report.markdown()
            case .html: text = report.html()
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                text = String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
            }
            guard let out else { return print(text, terminator: "") }
            do {
                try text.write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                printError("revo budget report: cannot write \(out): \(error)")
                throw ExitCode.internalError
            }
            print(report.text(), terminator: "")
        }

        /// Runs `body`, printing a budget input's error and exiting 64.
        private func usage<T>(_ body: () throws(BudgetError) -> T) throws -> T {
            do {
                return try body()
            } catch {
                printError("\(error)")
                throw ExitCode.usage
            }
        }
    }
}
