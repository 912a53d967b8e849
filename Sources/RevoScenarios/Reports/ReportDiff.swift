import Foundation
import RevoServer

/// Every difference between two scenario reports, as paths into their JSON: arrays of objects are keyed by what names
/// an element (a check by its text, a fault by its id, a series by route and provider), so one element added does
/// not shift the rest. Wall-clock facts are not in a scenario's report.
enum ReportDiff {
    /// A value at a path, printed as in the report.
    typealias Leaves = [(path: String, value: String)]

    static func leaves(of report: ScenarioReport) -> Leaves {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(report), let json = data.withUnsafeBytes({ try? JSONValue(parsing: $0) }) else { return [] }
        var leaves: Leaves = []
        walk(json, path: "", into: &leaves)
        return leaves
    }

    private static func walk(_ value: JSONValue, path: String, into leaves: inout Leaves) {
        switch value {
        case .object(let members):
            for member in members { walk(member.value, path: path.isEmpty ? member.key : "\(path).\(member.key)", into: &leaves) }
        case .array(let items):
            var seen: [String: Int] = [:]
            for (index, item) in items.enumerated() {
                var name = key(of: item) ?? String(index)
                // Two elements with one name (a repeated check) keep their order among themselves.
                if let count = seen[name] {
                    seen[name] = count + 1
                    name += "#\(count + 1)"
                } else {
                    seen[name] = 1
                }
                walk(item, path: "\(path)[\(name)]", into: &leaves)
            }
            if items.isEmpty { leaves.append((path, "[]")) }
        case .string(let text): leaves.append((path, text))
        case .number(let number): leaves.append((path, number.text))
        case .bool(let flag): leaves.append((path, flag ? "true" : "false"))
        case .null: leaves.append((path, "null"))
        }
    }

    /// What names an element of a report's list.
    private static func key(of item: JSONValue) -> String? {
        if let check = item["check"]?.string { return check }
        if let id = item["id"]?.string { return id }
        if let route = item["route"]?.string, let provider = item["provider"]?.string { return "\(route)/\(provider)" }
        if let error = item["error"]?.string { return error }
        if let service = item["service"]?.string, let at = item["at"]?.double { return "\(service)@\(CheckEvaluator.format(at))" }
        if let start = item["start"]?.double { return "t+\(CheckEvaluator.format(start))" }
        return nil
    }

    /// The paths whose values differ, and those present on one side only.
    static func differences(_ baseline: ScenarioReport, _ current: ScenarioReport) -> [(path: String, baseline: String?, current: String?)] {
        let old = leaves(of: baseline)
        let new = leaves(of: current)
        let oldValues = Dictionary(old.map { ($0.path, $0.value) }, uniquingKeysWith: { first, _ in first })
        let newValues = Dictionary(new.map { ($0.path, $0.value) }, uniquingKeysWith: { first, _ in first })
        var found: [(String, String?, String?)] = []
        for (path, value) in old where newValues[path] != value { found.append((path, value, newValues[path])) }
        for (path, value) in new where oldValues[path] == nil { found.append((path, nil, value)) }
        return found
    }
}
