/// Where `revo serve` keeps its data, from `--database`: `sqlite:PATH` (the default, `sqlite:revo.db`),
/// `postgres://user@host:port/database`, or `memory`.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)
    /// In process only: everything is gone when the process ends.
    case memory

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var value: String
        public var reason: String?

        public init(value: String, reason: String? = nil) {
            self.value = value
            self.reason = reason
        }

        public var description: String {
            "--database '\(value)' is not one of sqlite:PATH (for example sqlite:revo.db), postgres://user@host:port/database or memory"
                + (reason.map { ": \($0)" } ?? "")
        }
    }

    public init(parsing text: String) throws(ParseError) {
        if text == "memory" {
            self = .memory
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            do {
                self = .postgres(try PostgresURL(parsing: text))
            } catch {
                throw ParseError(value: text, reason: error.reason)
            }
        } else if text.hasPrefix("sqlite:"), text.count > "sqlite:".count {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else {
            throw ParseError(value: text)
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url.description
        case .memory: "memory"
        }
    }
}
