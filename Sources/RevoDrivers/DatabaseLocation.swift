/// Where `revo serve` keeps its data, from `--database`: `sqlite:PATH` (the default, `sqlite:revo.db`),
/// `postgres://user@host:port/database`, or `memory`. SQLAlchemy's spellings, as the seed's `DATABASE_URL` has them,
/// are accepted too: a driver after the scheme (`postgresql+asyncpg://…`) and `sqlite:///PATH`.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)
    /// In process only: everything is gone when the process ends.
    case memory

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var value: String
        public var reason: String?
        /// Where the value came from: the flag, or the environment variable or file key that set it.
        public var setting = "--database"

        public init(value: String, reason: String? = nil) {
            self.value = value
            self.reason = reason
        }

        public var description: String {
            "\(setting) '\(value)' is not one of sqlite:PATH (for example sqlite:revo.db), postgres://user@host:port/database or memory"
                + (reason.map { ": \($0)" } ?? "")
        }
    }

    public init(parsing given: String) throws(ParseError) {
        let text = Self.withoutDriver(given)
        if text == "memory" {
            self = .memory
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            do {
                self = .postgres(try PostgresURL(parsing: text))
            } catch {
                throw ParseError(value: given, reason: error.reason)
            }
        } else if text.hasPrefix("sqlite:///"), text.count > "sqlite:///".count {
            self = .sqlite(path: String(text.dropFirst("sqlite:///".count)))
        } else if text.hasPrefix("sqlite:"), !text.hasPrefix("sqlite://"), text.count > "sqlite:".count {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else {
            throw ParseError(value: given)
        }
    }

    /// `postgresql+asyncpg://…` as `postgresql://…`: the driver is the Python client's business, not the server's.
    private static func withoutDriver(_ text: String) -> String {
        guard let plus = text.firstIndex(of: "+"), let colon = text.firstIndex(of: ":"), plus < colon else { return text }
        return String(text[..<plus] + text[colon...])
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url.description
        case .memory: "memory"
        }
    }
}
