import Foundation
import RevoCore
import Yams

/// A YAML node with the path that led to it, read strictly: every accessor names the field and its location when
/// the value is missing, of the wrong type or out of range, and ``finish()`` rejects keys nobody asked for.
struct YAMLNode {
    let node: Node
    let path: String
    let file: String
    private let consumed: Consumed

    /// Keys of a mapping that were read, so unknown ones can be reported.
    final class Consumed {
        var keys: [String] = []
    }

    init(_ node: Node, path: String, file: String) {
        self.node = node
        self.path = path
        self.file = file
        self.consumed = Consumed()
    }

    func error(_ message: String, suggestion: String? = nil, at mark: Mark? = nil) -> ScenarioError {
        let mark = mark ?? node.mark
        return ScenarioError(file: file, line: mark?.line, column: mark?.column, path: path, message: message, suggestion: suggestion)
    }

    private func child(_ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    // MARK: Mappings

    var isMapping: Bool {
        if case .mapping = node { return true }
        return false
    }

    func requireMapping() throws(ScenarioError) -> Node.Mapping {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping (key: value lines), got \(node.kindName)") }
        return mapping
    }

    /// The value of `key`, or nil when absent; duplicate keys are an error.
    func optional(_ key: String) throws(ScenarioError) -> YAMLNode? {
        let mapping = try requireMapping()
        consumed.keys.append(key)
        let matches = mapping.filter { $0.key.string == key }
        if matches.count > 1 {
            throw YAMLNode(matches[1].key, path: child(key), file: file).error("duplicate key '\(key)'")
        }
        return matches.first.map { YAMLNode($0.value, path: child(key), file: file) }
    }

    func required(_ key: String) throws(ScenarioError) -> YAMLNode {
        if let value = try optional(key) { return value }
        // A misspelt key is the usual cause: point at it rather than at the mapping.
        for (keyNode, _) in try requireMapping() {
            guard let name = keyNode.string, name != key, Self.closest(to: name, in: [key]) != nil else { continue }
            throw YAMLNode(keyNode, path: child(name), file: file).error(
                "missing required field '\(key)'",
                suggestion: "found '\(name)': did you mean '\(key)'?"
            )
        }
        throw error("missing required field '\(key)'")
    }

    /// Fails on any key of this mapping that was not read, suggesting the closest known key.
    func finish(allowed: [String]? = nil) throws(ScenarioError) {
        let mapping = try requireMapping()
        let known = allowed ?? consumed.keys
        for (key, _) in mapping {
            let name = key.string ?? ""
            guard !known.contains(name) else { continue }
            let suggestion = Self.closest(to: name, in: known).map { "did you mean '\($0)'?" }
            throw YAMLNode(key, path: child(name), file: file).error(
                "unknown key '\(name)'; allowed: \(known.sorted().joined(separator: ", "))",
                suggestion: suggestion
            )
        }
    }

    /// The keys of a mapping, in document order, with their values.
    func entries() throws(ScenarioError) -> [(key: String, value: YAMLNode, keyNode: YAMLNode)] {
        let mapping = try requireMapping()
        var seen: [String] = []
        var entries: [(key: String, value: YAMLNode, keyNode: YAMLNode)] = []
        for (key, value) in mapping {
            let name = key.string ?? ""
            let keyNode = YAMLNode(key, path: child(name), file: file)
            if seen.contains(name) { throw keyNode.error("duplicate key '\(name)'") }
            seen.append(name)
            entries.append((name, YAMLNode(value, path: child(name), file: file), keyNode))
        }
        return entries
    }

    // MARK: Sequences

    var isSequence: Bool {
        if case .sequence = node { return true }
        return false
    }

    func sequence() throws(ScenarioError) -> [YAMLNode] {
        guard case .sequence(let sequence) = node else { throw error("expected a list, got \(node.kindName)") }
        return sequence.enumerated().map { YAMLNode($0.element, path: "\(path)[\($0.offset)]", file: file) }
    }

    // MARK: Scalars

    func scalar() throws(ScenarioError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a single value, got \(node.kindName)") }
        return scalar.string
    }

    func string() throws(ScenarioError) -> String {
        let value = try scalar()
        guard !value.isEmpty else { throw error("must not be empty") }
        return value
    }

    func bool() throws(ScenarioError) -> Bool {
        switch try scalar().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        case let other: throw error("expected true or false, got '\(other)'")
        }
    }

    func int(in range: ClosedRange<Int>) throws(ScenarioError) -> Int {
        let text = try scalar().replacingOccurrences(of: "_", with: "")
        guard let value = Int(text) else { throw error("expected a whole number, got '\(text)'") }
        guard range.contains(value) else { throw error("must be between \(range.lowerBound) and \(range.upperBound), got \(value)") }
        return value
    }

    func double(in range: ClosedRange<Double>) throws(ScenarioError) -> Double {
        let text = try scalar()
        guard let value = Double(text), value.isFinite else { throw error("expected a number, got '\(text)'") }
        guard range.contains(value) else { throw error("must be between \(range.lowerBound) and \(range.upperBound), got \(text)") }
        return value
    }

    /// `250ms`, `30s`, `5m`, `2h`, `1.5s`, `0`.
    func duration(max: Duration = .seconds(86_400 * 7)) throws(ScenarioError) -> Duration {
        let text = try scalar().trimmingCharacters(in: .whitespaces)
        guard let value = Self.parseDuration(text) else {
            throw error("expected a duration such as 250ms, 30s, 5m or 2h, got '\(text)'")
        }
        guard value >= .zero, value <= max else { throw error("must be between 0 and \(max.formattedSeconds), got \(text)") }
        return value
    }

    /// `512MB`, `3GB`, `3.5GB`.
    func bytes() throws(ScenarioError) -> ByteCount {
        let text = try scalar().trimmingCharacters(in: .whitespaces).uppercased()
        for (suffix, scale) in [("GB", 1_000_000_000.0), ("MB", 1_000_000.0)] where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), value >= 0, value.isFinite {
                return ByteCount(bytes: Int64(value * scale))
            }
        }
        throw error("expected a size such as 512MB or 3GB, got '\(text)'")
    }

    /// Requests per second from `20/s`, `600/m`, `2/h` or a plain number (per second).
    func rate() throws(ScenarioError) -> Double {
        let text = try scalar().replacingOccurrences(of: " ", with: "")
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        let divisor: Double
        switch parts.count == 2 ? parts[1] : "s" {
        case "s": divisor = 1
        case "m": divisor = 60
        case "h": divisor = 3600
        case let unit: throw error("unknown rate unit '/\(unit)'; allowed: /s, /m, /h")
        }
        guard let value = Double(parts[0]), value.isFinite, value >= 0 else { throw error("expected a rate such as 20/s, got '\(text)'") }
        let perSecond = value / divisor
        guard perSecond <= 100_000 else { throw error("must be at most 100000/s, got \(text)") }
        return perSecond
    }

    /// `500us`, `250ms`, `30s`, `5m`, `2h`, `1.5s`, compounds such as `3m30s` or `1h15m`, and `0`.
    static func parseDuration(_ text: String) -> Duration? {
        if text == "0" { return .zero }
        var total = 0.0
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            switch unit {
            case "us": total += value / 1_000_000
            case "ms": total += value / 1_000
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3_600
            default: return nil
            }
        }
        return .nanoseconds(Int64((total * 1_000_000_000).rounded()))
    }

    /// The known name closest to `name` by edit distance, if it is close enough to be a typo.
    static func closest(to name: String, in known: [String]) -> String? {
        ClosestName.closest(to: name, in: known)
    }
}

extension Node {
    var kindName: String {
        switch self {
        case .scalar(let scalar): "a value ('\(scalar.string)')"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}
