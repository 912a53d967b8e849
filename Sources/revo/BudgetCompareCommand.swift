import ArgumentParser
import Foundation
import RevoScenarios

/// `revo budget compare`: a baseline's and a candidate's repetitions of one timing, judged with the Mann-Whitney U
/// test and a minimum effect size.
struct BudgetCompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Judge a candidate's timing repetitions against a baseline's (Mann-Whitney U test plus a minimum effect).",
        discussion: """
            Each file holds one repetition's value per line ('#' starts a comment), measured interleaved with the \
            other side's in the same job. Exit codes: 0 the same or better, 1 a regression (significant at --alpha \
            and at least --min-effect), 64 invalid input. ci/bench-compare confirms a regression with a rerun.
            """
    )

    @Option(help: "The baseline's repetitions, one value per line.")
    var baseline: String

    @Option(help: "The candidate's repetitions, one value per line.")
    var candidate: String

    enum Better: String, ExpressibleByArgument, CaseIterable {
        case higher, lower
    }

    @Option(help: "higher (throughput) or lower (latency, CPU time) is better.")
    var better: Better

    @Option(help: "The test's significance level.")
    var alpha = 0.05

    @Option(help: "The smallest change of the median that counts, e.g. 3%.")
    var minEffect = "3%"

    @Option(help: "What the values are, for the printed line, e.g. 'POST /api/chat req/s'.")
    var label = "timing"

    func validate() throws {
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1, got \(alpha)") }
        _ = try effect()
    }

    func run() throws {
        let base = try Self.samples(baseline)
        let candidateValues = try Self.samples(candidate)
        let comparison = TimingComparison(
            baseline: base,
            candidate: candidateValues,
            better: better == .higher ? .higher : .lower,
            alpha: alpha,
            minimumEffect: try effect()
        )
        let percent = { (value: Double) in String(format: "%+.1f%%", value * 100) }
        print(
            "\(label): median \(Self.number(comparison.baselineMedian)) -> \(Self.number(comparison.candidateMedian)) (\(percent(comparison.change))), "
                + "n=\(base.count)+\(candidateValues.count), U=\(Self.number(comparison.test.u)), p=\(String(format: "%.4f", comparison.test.pValue))"
                + "\(comparison.test.exact ? " exact" : ""), confidence \(String(format: "%.1f%%", comparison.confidence * 100)): \(comparison.verdict.rawValue)"
        )
        if comparison.verdict == .regressed { throw ExitCode.checkFailed }
    }

    private func effect() throws -> Double {
        let text = minEffect.hasSuffix("%") ? String(minEffect.dropLast()) : minEffect
        guard let value = Double(text), value >= 0, value < 100 else {
            throw ValidationError("--min-effect takes a share such as 3%, got '\(minEffect)'")
        }
        return minEffect.hasSuffix("%") ? value / 100 : value
    }

    /// The values of a samples file; at least ``TimingComparison/minimumRepetitions``, each a finite number.
    static func samples(_ path: String) throws -> [Double] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            printError("\(path): cannot read the file")
            throw ExitCode.usage
        }
        var values: [Double] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?.trimmingCharacters(in: .whitespaces) ?? ""
            guard !line.isEmpty else { continue }
            guard let value = Double(line), value.isFinite else {
                printError("\(path):\(index + 1): error: expected a number, got '\(line)'")
                throw ExitCode.usage
            }
            values.append(value)
        }
        guard values.count >= TimingComparison.minimumRepetitions else {
            printError("\(path): error: \(values.count) repetitions; at least \(TimingComparison.minimumRepetitions) are needed")
            throw ExitCode.usage
        }
        return values
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int(value)) : String(format: "%.3f", value)
    }
}
