import Configuration
import Foundation
import RevoDrivers
import Testing

@testable import revo

@Suite("revo serve's configuration")
struct ServeConfigurationTests {
    static let secret = String(repeating: "k", count: 32)

    static func settings(
        flags: [ServeSetting: ConfigContent] = [:],
        environment: [String: String] = [:],
        file: String? = nil
    ) throws -> ServeSettings {
        try ServeSettings(ServeConfiguration(flags: flags, environment: environment, file: file))
    }

    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("revo-config-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a flag wins over the environment, REVO_ over the seed's name, and both over the file")
    func precedence() throws {
        let path = try Self.file("port: 7000\nhost: 0.0.0.0\ndatabase: memory\nrate_limit: 5\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let environment = ["REVO_PORT": "7100", "DATABASE_URL": "sqlite:///./seed.db", "REVO_RATE_LIMIT": "9"]
        let settings = try Self.settings(flags: [.port: .string("7200")], environment: environment, file: path)
        #expect(settings.port == 7200)
        #expect(settings.rateLimit == 9)
        #expect(settings.database == .sqlite(path: "./seed.db"))
        #expect(settings.host == "0.0.0.0")
        #expect(settings.cache == .memory)
        #expect(settings.warnings.isEmpty)
        let fromFile = try Self.settings(file: path)
        #expect(fromFile.port == 7000 && fromFile.database == .memory && fromFile.rateLimit == 5)
    }

    @Test("the seed's DATABASE_URL, REDIS_URL and JWT_SECRET work, and both spellings at once warn")
    func seedNames() throws {
        let settings = try Self.settings(environment: [
            "DATABASE_URL": "postgresql+asyncpg://revo:pw@db:5432/revo",
            "REDIS_URL": "redis://cache:6379/0",
            "JWT_SECRET": Self.secret,
        ])
        #expect(settings.database == .postgres(PostgresURL(host: "db", port: 5432, username: "revo", password: "pw", database: "revo")))
        #expect(settings.cache.description == "redis://cache:6379/0")
        #expect(settings.secret != nil)
        #expect(settings.warnings.isEmpty)

        let both = try Self.settings(environment: ["DATABASE_URL": "memory", "REVO_DATABASE": "sqlite:x.db"])
        #expect(both.database == .sqlite(path: "x.db"))
        #expect(both.warnings == ["both REVO_DATABASE and DATABASE_URL are set; REVO_DATABASE is used"])
    }

    @Test(
        "a bad value names where it came from",
        arguments: [
            ([.port: .string("x")], [:], nil, "--port 'x' is not valid"),
            ([:], ["REVO_PORT": "x"], nil, "REVO_PORT 'x' is not valid"),
            ([:], ["DATABASE_URL": "oracle://x"], nil, "DATABASE_URL 'oracle://x' is not one of"),
            ([:], [:], "port: 99999\n", ".yaml: port '99999' is not valid: expected a port number"),
            ([:], [:], "cache: memcached://x\n", ".yaml: cache 'memcached://x' is not one of memory or redis://"),
            ([:], [:], "allowed_origins: ['*']\n", ".yaml: allowed_origins: '*' is not a full origin"),
            ([:], ["REVO_ALLOWED_ORIGINS": "http://a.example, *"], nil, "REVO_ALLOWED_ORIGINS: '*' is not a full origin"),
            ([:], [:], "host: x\nprot: 80\n", ".yaml:2:1: unknown setting 'prot'; known: host, port, database"),
            ([:], [:], "jwt_secret: abc\n", ".yaml:1:1: jwt_secret does not belong in a file of settings"),
            ([:], [:], "- port\n", ".yaml:1:1: expected a mapping of settings"),
            ([:], [:], "port: [1, 2]\n", ".yaml:1:1: port must be a single value"),
        ] as [([ServeSetting: ConfigContent], [String: String], String?, String)]
    )
    func namesTheSource(flags: [ServeSetting: ConfigContent], environment: [String: String], file: String?, message: String) throws {
        let path = try file.map(Self.file)
        defer { path.map { try? FileManager.default.removeItem(atPath: $0) } }
        #expect {
            try Self.settings(flags: flags, environment: environment, file: path)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("docs/configuration.md's table is the code's table")
    func documented() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { line in
            line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
        }
        let code = ServeSetting.all.map { setting in
            [
                setting.name, setting.flag.map { "--\($0)" } ?? "", setting.environment, setting.alias ?? "", setting.byDefault,
                setting.summary,
            ]
        }
        #expect(rows == code)
    }

    @Test(".env.example sets only variables revo reads, each to a value of the right shape")
    func environmentExample() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent(".env.example"), encoding: .utf8)
        var environment: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            environment[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        let known = Set(ServeSetting.all.map(\.environment) + ServeSetting.all.compactMap(\.alias) + ["LOG_LEVEL", "REVO_CONFIG"])
        #expect(Set(environment.keys).subtracting(known).isEmpty)
        // The secret is left empty on purpose: a server started from the example unedited refuses to start.
        #expect(environment["REVO_JWT_SECRET"] == "")
        var filled = environment
        filled["REVO_JWT_SECRET"] = Self.secret
        filled["LOG_LEVEL"] = nil
        let settings = try Self.settings(environment: filled)
        #expect(settings.allowedOrigins == ["http://localhost:3000"])
        #expect {
            try Self.settings(environment: environment)
        } throws: { error in
            "\(error)".contains("REVO_JWT_SECRET: the JWT secret is 0 bytes")
        }
    }
}
