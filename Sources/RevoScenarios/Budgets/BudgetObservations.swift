import Foundation

/// Figures measured by one command, by name: what `revo run --budgets` writes to `budgets.json` for the simulation,
/// and what benchmarks write for the server. Keys are the budgets' figures (`simulation.<budget>` for simulation
/// budgets); values in the figure's unit.
public struct BudgetObservations: Sendable, Codable, Equatable {
    /// What measured them, e.g. `revo run` or `ci/bench-allocations`.
    public var source: String
    public var figures: [String: Double]

    public init(source: String, figures: [String: Double]) {
        self.source = source
        self.figures = figures
    }

    public static func read(_ path: String) throws(BudgetError) -> BudgetObservations {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path, error.localizedDescription)
        }
        do {
            return try JSONDecoder().decode(BudgetObservations.self, from: data)
        } catch {
            throw .invalid(path, "expected {\"source\": \"...\", \"figures\": {\"name\": number}}: \(error)")
        }
    }

    public func write(to path: String) throws(BudgetError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try (try encoder.encode(self) + Data("\n".utf8)).write(to: URL(fileURLWithPath: path))
        } catch {
            throw .unwritable(path, "\(error)")
        }
    }

    /// Several files' figures together; a figure measured twice is an error naming both files.
    public static func merge(_ files: [(path: String, observations: BudgetObservations)]) throws(BudgetError) -> [String: Double] {
        var figures: [String: Double] = [:]
        var origin: [String: String] = [:]
        for (path, observations) in files {
            for figure in observations.figures.keys.sorted() {
                let value = observations.figures[figure] ?? .nan
                if let first = origin[figure] { throw .invalid(path, "figure '\(figure)' is also in \(first)") }
                guard value.isFinite else { throw .invalid(path, "figure '\(figure)' is not a finite number") }
                figures[figure] = value
                origin[figure] = path
            }
        }
        return figures
    }
}

extension Budget {
    /// The key of this budget's figure in observations and history.
    public var figure: String {
        switch source {
        case .simulation: "simulation.\(name)"
        case .measured(let figure): figure
        }
    }
}
