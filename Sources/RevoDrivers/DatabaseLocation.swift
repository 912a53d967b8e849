/// Where `revo serve` keeps its data, from `--database`: `sqlite:PATH` (the default, `sqlite:revo.db`) or `memory`.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    /// In process only: everything is gone when the process ends.
    case memory

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var value: String

        public init(value: String) {
            self.value = value
        }

        public var description: String {
            "--database '\(value)' is not one of sqlite:PATH (for example sqlite:revo.db) or memory"
        }
    }

    public init(parsing text: String) throws(ParseError) {
        if text == "memory" {
            self = .memory
        } else if text.hasPrefix("sqlite:"), text.count > "sqlite:".count {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else {
            throw ParseError(value: text)
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .memory: "memory"
        }
    }
}
