/// A problem in a scenario file: where it is (file, line, column, field path), what is wrong, and what would fix it.
public struct ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    /// The field, e.g. `workload.mix.chat` or `faults[2].at`.
    public var path: String
    public var message: String
    /// e.g. "did you mean 'duration'?"
    public var suggestion: String?

    public init(file: String, line: Int?, column: Int?, path: String, message: String, suggestion: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
        self.suggestion = suggestion
    }

    /// `file:line:column: path: message (suggestion)`, the format editors and CI annotations understand.
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        let field = path.isEmpty ? "" : "\(path): "
        return "\(location): error: \(field)\(message)" + (suggestion.map { " (\($0))" } ?? "")
    }
}
