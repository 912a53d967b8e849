import Foundation

/// `budgets.yaml`: every budget in one place, read as strictly as a scenario (file:line:column, the field, the
/// allowed values). `simulation:` budgets are thresholds on a library scenario's run; `server:` budgets are figures
/// benchmarks measure (allocations per request, throughput as a ratio to the bare route, resident memory).
public struct BudgetFile: Sendable, Equatable {
    public var file: String
    public var budgets: [Budget]

    public static let sections = ["simulation", "server"]

    public init(file: String, budgets: [Budget]) {
        self.file = file
        self.budgets = budgets
    }

    public static func load(file path: String) throws(ScenarioError) -> BudgetFile {
        try parse(try ScenarioLoader.read(path), file: path)
    }

    public static func parse(_ text: String, file: String) throws(ScenarioError) -> BudgetFile {
        let root = try ScenarioLoader.compose(text, file: file)
        var budgets: [Budget] = []
        var names: [String: String] = [:]
        for (section, read) in [("simulation", simulationBudget), ("server", serverBudget)] {
            for item in try root.optional(section)?.sequence() ?? [] {
                let budget = try read(item)
                if let first = names[budget.name] {
                    throw try item.required("name").error("budget '\(budget.name)' is already defined at \(first)")
                }
                names[budget.name] = budget.location
                budgets.append(budget)
            }
        }
        try root.finish(allowed: sections)
        guard !budgets.isEmpty else { throw root.error("no budgets: add a list under simulation: or server:") }
        return BudgetFile(file: file, budgets: budgets)
    }

    /// The budgets of the simulation, by scenario name.
    public func simulation(for scenario: String) -> [(budget: Budget, threshold: Threshold)] {
        budgets.compactMap { budget in
            guard case .simulation(scenario, let threshold) = budget.source else { return nil }
            return (budget, threshold)
        }
    }

    // MARK: Entries

    private static func simulationBudget(_ item: YAMLNode) throws(ScenarioError) -> Budget {
        let name = try self.name(item)
        let scenario = try item.required("scenario").string()
        let thresholdNode = try item.required("threshold")
        let threshold = try ThresholdParser.parse(try thresholdNode.string(), node: thresholdNode)
        let direction: Budget.Direction
        switch threshold.comparison {
        case .lessThan, .lessOrEqual: direction = .atMost
        case .greaterThan, .greaterOrEqual: direction = .atLeast
        case .equal: throw thresholdNode.error("a budget is a limit: use <, <=, > or >=, not ==")
        }
        let unit = Self.unit(of: threshold.metric)
        let budget = Budget(
            name: name,
            source: .simulation(scenario: scenario, threshold: threshold),
            direction: direction,
            limit: threshold.value,
            inclusive: threshold.comparison == .lessOrEqual || threshold.comparison == .greaterOrEqual,
            unit: unit,
            tolerance: try tolerance(try item.required("tolerance"), durations: unit == "ms"),
            reason: try reason(item),
            location: location(item)
        )
        try item.finish()
        return budget
    }

    private static func serverBudget(_ item: YAMLNode) throws(ScenarioError) -> Budget {
        let name = try self.name(item)
        let figureNode = try item.required("figure")
        let figure = try figureNode.string()
        guard figure.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw figureNode.error("a figure is a dotted name such as allocations.chat.stateless, got '\(figure)'")
        }
        let max = try item.optional("max")
        let min = try item.optional("min")
        guard (max == nil) != (min == nil) else {
            throw item.error("give exactly one of max: (the figure stays at or under it) or min: (at or over it)")
        }
        let bound = max ?? min!
        let budget = Budget(
            name: name,
            source: .measured(figure: figure),
            direction: max != nil ? .atMost : .atLeast,
            limit: try bound.double(in: -1e15...1e15),
            inclusive: true,
            unit: try item.optional("unit")?.scalar() ?? "",
            tolerance: try tolerance(try item.required("tolerance"), durations: false),
            reason: try reason(item),
            location: location(item)
        )
        try item.finish()
        return budget
    }

    // MARK: Fields

    private static func name(_ item: YAMLNode) throws(ScenarioError) -> String {
        _ = try item.requireMapping()
        let node = try item.required("name")
        let name = try node.string()
        guard name.allSatisfy({ ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" || $0 == "." }) else {
            throw node.error("a budget's name is lower-case letters, digits, '-' and '.', got '\(name)'")
        }
        return name
    }

    /// `0`, `2.5` (the figure's unit), `5%` (of the baseline's figure) or, for latencies, a duration such as `50ms`.
    private static func tolerance(_ node: YAMLNode, durations: Bool) throws(ScenarioError) -> Budget.Tolerance {
        let text = try node.scalar().trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("%"), let percent = Double(text.dropLast()), percent.isFinite, (0...100).contains(percent) {
            return .relative(percent / 100)
        }
        if let amount = Double(text), amount.isFinite, amount >= 0 { return .absolute(amount) }
        if durations, let duration = YAMLNode.parseDuration(text) {
            return .absolute(duration.seconds * 1000)
        }
        let forms =
            durations
            ? "0, a number of ms, a duration such as 50ms, or a share such as 5%" : "0, a number in the figure's unit, or a share such as 5%"
        throw node.error("expected a tolerance: \(forms); got '\(text)'")
    }

    private static func reason(_ item: YAMLNode) throws(ScenarioError) -> String {
        let node = try item.required("reason")
        let reason = try node.string().trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.contains("\n"), reason.count <= 200 else {
            throw node.error("a reason is one line of at most 200 characters, got \(reason.count) characters")
        }
        return reason
    }

    /// The unit a threshold's value is written in, for reports; shares and counts have none.
    private static func unit(of metric: Threshold.Metric) -> String {
        switch metric {
        case .latency, .ttft, .itl: "ms"
        case .memoryMB: "MB"
        case .machineMemoryGB: "GB"
        case .costUSD: "USD"
        default: ""
        }
    }

    private static func location(_ item: YAMLNode) -> String {
        guard let mark = item.node.mark else { return item.file }
        return "\(item.file):\(mark.line):\(mark.column)"
    }
}
