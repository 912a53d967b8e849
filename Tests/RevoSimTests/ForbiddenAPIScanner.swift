import Foundation
import RevoRuntime

/// Finds calls that would make RevoCore or RevoSim nondeterministic: wall clocks, real sleeps, unseeded randomness,
/// random identifiers, and unstructured tasks that escape the simulation executor.
///
/// Comments and string literals are blanked before matching, so documentation may name the forbidden calls.
struct ForbiddenAPIScanner {
    struct Rule: Sendable {
        var name: String
        var pattern: String
        var why: String
        /// Calls that take `using:` (a generator) are fine; without it they draw from the system generator.
        var allowedWithGenerator = false
        /// Files, relative to the package root, where the call is the point, each with why.
        var exempt: [String: String] = [:]
    }

    struct Violation: Sendable, Equatable, CustomStringConvertible {
        var file: String
        var line: Int
        var rule: String
        var why: String

        var description: String { "\(file):\(line): \(rule) — \(why)" }
    }

    static let common: [Rule] = [
        Rule(name: "Date()", pattern: #"\bDate\s*\(\s*\)|\bDate\.now\b"#, why: "wall-clock time; take an injected Clock"),
        Rule(name: "Task.sleep", pattern: #"\bTask\s*\.\s*sleep\b"#, why: "real sleep; use clock.sleep(for:) on the injected clock"),
        Rule(name: "UUID()", pattern: #"\bUUID\s*\(\s*\)"#, why: "random identity; draw ids from a seeded DeterministicIDs"),
        Rule(name: "SystemRandomNumberGenerator", pattern: #"\bSystemRandomNumberGenerator\b"#, why: "unseeded randomness"),
        Rule(
            name: "random without a generator",
            pattern: #"\.(random|randomElement|shuffled|shuffle)\s*\("#,
            why: "draws from the system generator; pass `using:` a seeded generator",
            allowedWithGenerator: true
        ),
        Rule(name: "DispatchTime", pattern: #"\bDispatch(Wall)?Time\b"#, why: "wall-clock time"),
        Rule(name: "Thread.sleep", pattern: #"\bThread\s*\.\s*sleep\b|\busleep\s*\("#, why: "blocks a real thread"),
        Rule(
            name: "unstructured Task without executor preference",
            pattern: #"\bTask(\s*\.\s*detached)?\s*(\{|\(\s*(priority\s*:[^)]*)?\)\s*\{|\(\s*priority\s*:)"#,
            why: "escapes the simulation executor; start it with the injected TaskStarter",
            exempt: ["Sources/RevoSim/Runtime/SimulationExecutor.swift": "spawns the simulation's tasks, routed to it by GlobalJobRouting"]
        ),
    ]

    static let coreOnly: [Rule] = [
        Rule(
            name: "ContinuousClock()",
            pattern: #"\b(Continuous|Suspending)Clock\s*\(\s*\)|\b(Continuous|Suspending)Clock\s*\.\s*now\b"#,
            why: "RevoCore must not pick its clock; take `any Clock<Duration>`"
        )
    ]

    /// Scans every `.swift` file under `directory`, with `rules`.
    static func scan(directory: URL, relativeTo root: URL, rules: [Rule]) throws -> [Violation] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            return []
        }
        var files: [URL] = []
        for case let url as URL in enumerator where url.pathExtension == "swift" { files.append(url) }
        var violations: [Violation] = []
        for file in files.sorted(by: { $0.path < $1.path }) {
            let text = try String(contentsOf: file, encoding: .utf8)
            let relative = String(file.path.dropFirst(root.path.count + 1))
            violations += scan(source: text, file: relative, rules: rules)
        }
        return violations
    }

    static func scan(source: String, file: String, rules: [Rule]) -> [Violation] {
        let code = codeOnly(source)
        var violations: [Violation] = []
        for rule in rules where rule.exempt[file] == nil {
            let regex = try! Regex(rule.pattern).wordBoundaryKind(.simple)
            for match in code.matches(of: regex) {
                if rule.allowedWithGenerator, callArguments(in: code, from: match.range.upperBound).contains("using:") {
                    continue
                }
                let line = code[..<match.range.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
                violations.append(Violation(file: file, line: line, rule: rule.name, why: rule.why))
            }
        }
        return violations.sorted { ($0.line, $0.rule) < ($1.line, $1.rule) }
    }

    /// The text of a call's argument list, from just after its opening parenthesis to the matching close.
    private static func callArguments(in code: String, from start: String.Index) -> Substring {
        var depth = 1
        var index = start
        while index < code.endIndex, depth > 0 {
            switch code[index] {
            case "(": depth += 1
            case ")": depth -= 1
            default: break
            }
            index = code.index(after: index)
        }
        return code[start..<index]
    }

    /// The source with comments and string-literal contents replaced by spaces; newlines are kept so lines still count.
    static func codeOnly(_ source: String) -> String {
        enum Mode { case code, lineComment, blockComment, string, multilineString }
        var mode = Mode.code
        var output = ""
        output.reserveCapacity(source.utf8.count)
        let characters = Array(source)
        var index = 0
        func peek(_ offset: Int) -> Character? {
            index + offset < characters.count ? characters[index + offset] : nil
        }
        while index < characters.count {
            let character = characters[index]
            switch mode {
            case .code:
                if character == "/", peek(1) == "/" {
                    mode = .lineComment
                } else if character == "/", peek(1) == "*" {
                    mode = .blockComment
                } else if character == "\"", peek(1) == "\"", peek(2) == "\"" {
                    mode = .multilineString
                    output += "\"\"\""
                    index += 3
                    continue
                } else if character == "\"" {
                    mode = .string
                    output.append(character)
                    index += 1
                    continue
                }
            case .lineComment:
                if character == "\n" { mode = .code }
            case .blockComment:
                if character == "*", peek(1) == "/" {
                    mode = .code
                    output += "  "
                    index += 2
                    continue
                }
            case .string:
                if character == "\\" {
                    output += "  "
                    index += 2
                    continue
                }
                if character == "\"" || character == "\n" {
                    mode = .code
                    output.append(character)
                    index += 1
                    continue
                }
            case .multilineString:
                if character == "\\" {
                    output += "  "
                    index += 2
                    continue
                }
                if character == "\"", peek(1) == "\"", peek(2) == "\"" {
                    mode = .code
                    output += "\"\"\""
                    index += 3
                    continue
                }
            }
            output.append(mode == .code || character == "\n" ? character : " ")
            index += 1
        }
        return output
    }
}
