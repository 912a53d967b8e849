/// Where PostgreSQL is, from `--database postgres://user[:password]@host[:port]/database`.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var value: String
        public var reason: String

        public init(value: String, reason: String) {
            self.value = value
            self.reason = reason
        }

        public var description: String {
            "'\(value)' is not a PostgreSQL URL (\(reason)); expected postgres://user[:password]@host[:port]/database"
        }
    }

    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    public init(parsing text: String) throws(ParseError) {
        guard let scheme = ["postgres://", "postgresql://"].first(where: text.hasPrefix) else {
            throw ParseError(value: text, reason: "the scheme must be postgres://")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        guard let at = rest.lastIndex(of: "@") else { throw ParseError(value: text, reason: "no user: write user@host") }
        let credentials = rest[..<at].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let username = String(credentials[0])
        guard !username.isEmpty else { throw ParseError(value: text, reason: "no user") }
        let password = credentials.count > 1 ? String(credentials[1]) : nil
        rest = rest[rest.index(after: at)...]
        guard let slash = rest.firstIndex(of: "/"), rest.index(after: slash) < rest.endIndex else {
            throw ParseError(value: text, reason: "no database: end with /database")
        }
        let database = String(rest[rest.index(after: slash)...].prefix { $0 != "?" })
        rest = rest[..<slash]
        let (host, port): (String, Int)
        do {
            (host, port) = try HostAndPort.parse(rest, defaultPort: 5432)
        } catch {
            throw ParseError(value: text, reason: error.reason)
        }
        self.init(host: host, port: port, username: username, password: password?.isEmpty == true ? nil : password, database: database)
    }

    /// Without the password, for logs and health reports.
    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }
}
