import Foundation

/// Parses k6-style thresholds: `metric{tag:value,...}: aggregate op value`, e.g. `latency{route:chat}: p(95) < 2s`,
/// `errors: rate < 0.01`, `availability{window:1m}: min > 0.99`, `cost_usd: sum < 10`, `memory_mb: max < 8`.
enum ThresholdParser {
    static let tagKeys = [
        "route", "provider", "outcome", "window", "code", "input", "bad_input", "cache", "memories", "before", "during", "after", "within",
    ]

    /// The values a tag may take, where they are a closed set (nil: any).
    static func allowedValues(_ key: String) -> [String]? {
        switch key {
        case "route": Workload.Operation.allCases.map(\.rawValue)
        case "outcome": RequestRecord.Outcome.allCases.map(\.rawValue) + ["error"]
        case "input": ["good", "bad", "any"]
        case "bad_input": BadInput.allCases.map(\.rawValue)
        case "cache": ["hit", "stale", "miss"]
        case "memories": ["used", "none"]
        default: nil
        }
    }

    /// The phase tags: one of `before:`, `during:`, `after:` naming a fault, and `within:` a duration.
    static func scope(_ tags: [(key: String, value: String)], node: YAMLNode) throws(ScenarioError) -> Scope? {
        let phases = tags.compactMap { tag in Scope.Phase(rawValue: tag.key).map { ($0, tag.value) } }
        let within = tags.first { $0.key == "within" }?.value
        guard let (phase, fault) = phases.first else {
            if within != nil { throw node.error("within: needs a phase: before:, during: or after: a fault") }
            return nil
        }
        guard phases.count == 1 else { throw node.error("a check has one phase: before:, during: or after: a fault, not \(phases.count)") }
        var scope = Scope(phase, fault: fault)
        if let within {
            guard phase != .during else { throw node.error("within: limits before: or after:, not during:") }
            guard let span = YAMLNode.parseDuration(within), span > .zero else {
                throw node.error("within: expects a duration such as 30s or 2m, got '\(within)'")
            }
            scope.within = span
        }
        return scope
    }

    /// A status code (`503`), a class of them (`5xx`) or `none` (no answer).
    static func isStatusPattern(_ text: String) -> Bool {
        if text == "none" { return true }
        if text.count == 3, text.hasSuffix("xx"), let first = text.first?.wholeNumberValue { return (1...5).contains(first) }
        return Int(text).map { (100...599).contains($0) } ?? false
    }

    static func parse(_ text: String, node: YAMLNode) throws(ScenarioError) -> Threshold {
        let (head, tail) = try halves(of: text, node: node)
        let (metric, tags) = try metricAndTags(head, node: node)
        let (aggregate, comparison, valueText) = try comparison(tail, metric: metric, node: node)
        let value = try value(valueText, of: metric, after: comparison, node: node)
        if metric == .availability {
            guard let window = tags.first(where: { $0.key == "window" })?.value, let length = YAMLNode.parseDuration(window), length > .zero else {
                throw node.error("availability needs a window tag, e.g. availability{window:1m}")
            }
        }
        var threshold = Threshold(metric: metric, tags: tags, aggregate: aggregate, comparison: comparison, value: value, source: text)
        threshold.scope = try scope(tags, node: node)
        threshold.tags = tags.filter { !["before", "during", "after", "within"].contains($0.key) }
        return threshold
    }

    /// The text before and after the colon that ends the metric: the first one outside braces.
    private static func halves(of text: String, node: YAMLNode) throws(ScenarioError) -> (head: String, tail: String) {
        var depth = 0
        for index in text.indices {
            switch text[index] {
            case "{": depth += 1
            case "}": depth -= 1
            case ":" where depth == 0:
                return (text[..<index].trimmingCharacters(in: .whitespaces), text[text.index(after: index)...].trimmingCharacters(in: .whitespaces))
            default: break
            }
        }
        throw node.error("a threshold reads 'metric{tags}: aggregate op value', e.g. 'latency{route:chat}: p(95) < 2s'; got '\(text)'")
    }

    /// `metric{key:value,...}`: the metric and its tags, each key and value checked.
    private static func metricAndTags(_ head: String, node: YAMLNode) throws(ScenarioError) -> (Threshold.Metric, [(key: String, value: String)]) {
        var metricName = head
        var tags: [(key: String, value: String)] = []
        if let open = head.firstIndex(of: "{") {
            guard head.hasSuffix("}") else { throw node.error("unclosed '{' in '\(head)'") }
            metricName = String(head[..<open])
            for pair in head[head.index(after: open)..<head.index(before: head.endIndex)].split(separator: ",") {
                tags.append(try tag(pair, node: node))
            }
        }
        if metricName == "memory_gb" {
            throw node.error(
                "memory_gb is now memory_mb (the server process, measured) or machine_memory_gb (the models' memory on the machine, as modelled)"
            )
        }
        guard let metric = Threshold.Metric(rawValue: metricName) else {
            let allowed = Threshold.Metric.allCases.map(\.rawValue)
            throw node.error(
                "unknown metric '\(metricName)'; allowed: \(allowed.joined(separator: ", "))",
                suggestion: YAMLNode.closest(to: metricName, in: allowed).map { "did you mean '\($0)'?" }
            )
        }
        if tags.contains(where: { $0.key == "window" }) != (metric == .availability) && tags.contains(where: { $0.key == "window" }) {
            throw node.error("the window tag only applies to availability")
        }
        if metric == .calls, !tags.contains(where: { $0.key == "provider" }) {
            throw node.error("calls counts the calls to one provider: add it, e.g. calls{provider:openai, during: openai-429}: count < 20")
        }
        if metric == .status, !tags.contains(where: { $0.key == "code" }) {
            throw node.error("status counts answers with a code: add one, e.g. status{route:chat,code:503}: rate < 0.02")
        }
        return (metric, tags)
    }

    private static func tag(_ pair: Substring, node: YAMLNode) throws(ScenarioError) -> (key: String, value: String) {
        let parts = pair.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[1].isEmpty else { throw node.error("a tag reads key:value, got '\(pair)'") }
        guard tagKeys.contains(parts[0]) else {
            throw node.error(
                "unknown tag '\(parts[0])'; allowed: \(tagKeys.joined(separator: ", "))",
                suggestion: YAMLNode.closest(to: parts[0], in: tagKeys).map { "did you mean '\($0)'?" }
            )
        }
        if let allowed = allowedValues(parts[0]), !allowed.contains(parts[1]) {
            throw node.error(
                "unknown \(parts[0]) '\(parts[1])'; allowed: \(allowed.joined(separator: ", "))",
                suggestion: YAMLNode.closest(to: parts[1], in: allowed).map { "did you mean '\($0)'?" }
            )
        }
        if parts[0] == "code", !isStatusPattern(parts[1]) {
            throw node.error("code is a status (503), a class of them (5xx) or none; got '\(parts[1])'")
        }
        return (parts[0], parts[1])
    }

    /// `aggregate op value`: the aggregate (one that applies to `metric`), the comparison and the value's text.
    private static func comparison(
        _ tail: String,
        metric: Threshold.Metric,
        node: YAMLNode
    ) throws(ScenarioError) -> (Threshold.Aggregate, Threshold.Comparison, String) {
        let comparisons = Threshold.Comparison.allCases.sorted { $0.rawValue.count > $1.rawValue.count }
        guard let comparison = comparisons.first(where: { tail.contains($0.rawValue) }) else {
            throw node.error("missing comparison in '\(tail)'; allowed: <, <=, >, >=, ==")
        }
        let sides = tail.components(separatedBy: comparison.rawValue)
        guard sides.count == 2 else { throw node.error("expected one comparison in '\(tail)'") }
        let aggregateText = sides[0].trimmingCharacters(in: .whitespaces)
        let aggregate: Threshold.Aggregate
        if aggregateText.hasPrefix("p("), aggregateText.hasSuffix(")"), let p = Double(aggregateText.dropFirst(2).dropLast()), (0...100).contains(p) {
            aggregate = .init(kind: .percentile, percentile: p)
        } else if let kind = Threshold.Aggregate.Kind(rawValue: aggregateText), kind != .percentile {
            aggregate = .init(kind: kind, percentile: 0)
        } else {
            throw node.error("unknown aggregate '\(aggregateText)'; allowed: p(N) with 0 <= N <= 100, avg, min, max, count, sum, rate")
        }
        guard metric.allowed.contains(aggregate.kind) else {
            throw node.error("\(aggregate) does not apply to \(metric.rawValue); allowed: \(metric.allowed.map(\.rawValue).joined(separator: ", "))")
        }
        return (aggregate, comparison, sides[1].trimmingCharacters(in: .whitespaces))
    }

    /// A duration in milliseconds for the latency metrics, a number for the others.
    private static func value(
        _ text: String,
        of metric: Threshold.Metric,
        after comparison: Threshold.Comparison,
        node: YAMLNode
    ) throws(ScenarioError) -> Double {
        if metric == .latency || metric == .ttft || metric == .itl {
            guard let duration = YAMLNode.parseDuration(text) else {
                throw node.error("\(metric.rawValue) compares with a duration such as 800ms or 2s, got '\(text)'")
            }
            return Double(duration.nanoseconds) / 1_000_000
        }
        guard let number = Double(text), number.isFinite else {
            throw node.error("expected a number after \(comparison.rawValue), got '\(text)'")
        }
        return number
    }
}
