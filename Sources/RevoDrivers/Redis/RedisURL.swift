/// Where the cache lives, from `--cache redis://[:password@]host[:port][/db]`.
public struct RedisURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var password: String?
    public var database: Int

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var value: String
        public var reason: String

        public init(value: String, reason: String) {
            self.value = value
            self.reason = reason
        }

        public var description: String {
            "'\(value)' is not a Redis URL (\(reason)); expected redis://[:password@]host[:port][/db], e.g. redis://127.0.0.1:6379/0"
        }
    }

    public init(host: String, port: Int = 6379, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.password = password
        self.database = database
    }

    public init(parsing text: String) throws(ParseError) {
        guard text.hasPrefix("redis://") else { throw ParseError(value: text, reason: "the scheme must be redis://") }
        var rest = Substring(text.dropFirst("redis://".count))
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            // redis://:secret@host and redis://user:secret@host: only the password is used (Redis 6 ACL users
            // are not needed by a cache).
            password = String(credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).last ?? "")
            rest = rest[rest.index(after: at)...]
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            if !path.isEmpty {
                guard let number = Int(path), number >= 0 else { throw ParseError(value: text, reason: "the database '\(path)' is not a number") }
                database = number
            }
            rest = rest[..<slash]
        }
        let (host, port): (String, Int)
        do {
            (host, port) = try HostAndPort.parse(rest, defaultPort: 6379)
        } catch {
            throw ParseError(value: text, reason: error.reason)
        }
        self.init(host: host, port: port, password: password?.isEmpty == true ? nil : password, database: database)
    }

    /// Without the password, for logs and health reports.
    public var description: String {
        "redis://\(password == nil ? "" : ":***@")\(host):\(port)/\(database)"
    }
}
