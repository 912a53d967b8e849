/// One setting of `revo serve`: its name in a `--config` file, its flag, its environment variable (`REVO_` + the name
/// in capitals) and the seed's spelling of it, if it had one. ``all`` is the table docs/configuration.md documents.
struct ServeSetting: Sendable, Hashable {
    /// The key in a `--config` file, in snake_case.
    let name: String
    /// The command-line flag, without dashes; nil for a secret, which never goes on a command line.
    let flag: String?
    /// The name reVoAgent's own deployment used (its `.env` and compose file), accepted as an alias.
    let alias: String?
    let isList: Bool
    let isSecret: Bool
    /// The value when nothing sets it, as the documentation shows it.
    let byDefault: String
    let summary: String

    init(
        _ name: String,
        flag: String?,
        alias: String? = nil,
        isList: Bool = false,
        isSecret: Bool = false,
        byDefault: String,
        _ summary: String
    ) {
        self.name = name
        self.flag = flag
        self.alias = alias
        self.isList = isList
        self.isSecret = isSecret
        self.byDefault = byDefault
        self.summary = summary
    }

    var environment: String { "REVO_" + name.uppercased() }

    /// The configuration key; its components spell the environment variable under the `revo` prefix.
    var key: [String] { name.split(separator: "_").map(String.init) }

    static let host = ServeSetting("host", flag: "host", byDefault: "127.0.0.1", "address to listen on")
    static let port = ServeSetting("port", flag: "port", byDefault: "8000", "port to listen on; 0 for any free port")
    static let database = ServeSetting(
        "database",
        flag: "database",
        alias: "DATABASE_URL",
        byDefault: "sqlite:revo.db",
        "sqlite:PATH, postgres://user@host:port/database (postgresql+asyncpg:// too) or memory"
    )
    static let cache = ServeSetting(
        "cache",
        flag: "cache",
        alias: "REDIS_URL",
        byDefault: "memory",
        "memory or redis://[:password@]host[:port][/db]"
    )
    static let allowedOrigins = ServeSetting(
        "allowed_origins",
        flag: "allow-origin",
        isList: true,
        byDefault: "the local development origins",
        "browser origins allowed to call the API (never *)"
    )
    static let jwtSecret = ServeSetting(
        "jwt_secret",
        flag: nil,
        alias: "JWT_SECRET",
        isSecret: true,
        byDefault: "none (--dev generates one)",
        "the token signing secret, at least 32 bytes"
    )
    static let jwtSecretFile = ServeSetting(
        "jwt_secret_file",
        flag: "jwt-secret-file",
        byDefault: "none",
        "a file holding the token signing secret"
    )
    static let rateLimit = ServeSetting("rate_limit", flag: "rate-limit", byDefault: "100", "requests per client per minute before 429")
    static let logFormat = ServeSetting("log_format", flag: "log-format", byDefault: "text", "text, or json for one object per line")
    static let accessLog = ServeSetting("access_log", flag: "access-log", byDefault: "true", "true or false: one log line per request")
    static let trustedProxies = ServeSetting(
        "trusted_proxies",
        flag: "trusted-proxy",
        isList: true,
        byDefault: "none",
        "CIDR ranges whose Forwarded / X-Forwarded-For headers name the client"
    )
    static let otlpEndpoint = ServeSetting(
        "otlp_endpoint",
        flag: "otlp-endpoint",
        byDefault: "none (no traces)",
        "OTLP/HTTP collector each chat's trace is sent to"
    )

    static let all: [ServeSetting] = [
        host, port, database, cache, allowedOrigins, jwtSecret, jwtSecretFile, rateLimit, logFormat, accessLog, trustedProxies,
        otlpEndpoint,
    ]
}
