import ArgumentParser
import Configuration
import Foundation
import RevoDrivers
import RevoServer

/// `revo serve`'s settings, resolved and checked: what the command runs with.
struct ServeSettings: Sendable {
    var host: String
    var port: Int
    var database: DatabaseLocation
    var cache: CacheLocation
    var allowedOrigins: [String]
    /// Nil when none is configured (refused outside --dev).
    var secret: JWTSecret?
    var rateLimit: Int
    var jsonLogs: Bool
    var accessLog: Bool
    var trustedProxies: TrustedProxies
    /// The OTLP/HTTP collector, if traces are exported.
    var otlpEndpoint: String?
    var warnings: [String]

    init(_ configuration: ServeConfiguration) throws {
        host = configuration.string(.host) ?? ServeSetting.host.byDefault
        port = try Self.port(configuration)
        database = try Self.parsed(configuration, .database, DatabaseLocation.init(parsing:), \.setting)
        cache = try Self.parsed(configuration, .cache, CacheLocation.init(parsing:), \.setting)
        let origins = configuration.list(.allowedOrigins)
        for origin in origins where origin == "*" || !(origin.hasPrefix("http://") || origin.hasPrefix("https://")) {
            throw ValidationError(
                "\(configuration.source(of: .allowedOrigins)): '\(origin)' is not a full origin such as http://localhost:3000 (never *)"
            )
        }
        allowedOrigins = origins.isEmpty ? ServerConfiguration.developmentOrigins : origins
        secret = try Self.secret(configuration)
        rateLimit = try Self.rateLimit(configuration)
        jsonLogs = try Self.choice(configuration, .logFormat, ["text": false, "json": true])
        accessLog = try Self.choice(configuration, .accessLog, ["true": true, "false": false])
        trustedProxies = try Self.proxies(configuration)
        otlpEndpoint = try Self.otlpEndpoint(configuration)
        warnings = configuration.warnings
    }

    private static func port(_ configuration: ServeConfiguration) throws -> Int {
        let text = configuration.string(.port) ?? ServeSetting.port.byDefault
        guard let port = Int(text), (0...65_535).contains(port) else {
            throw configuration.invalid(.port, text, expected: "a port number between 0 (any free port) and 65535")
        }
        return port
    }

    private static func rateLimit(_ configuration: ServeConfiguration) throws -> Int {
        let text = configuration.string(.rateLimit) ?? ServeSetting.rateLimit.byDefault
        guard let limit = Int(text), (1...1_000_000).contains(limit) else {
            throw configuration.invalid(.rateLimit, text, expected: "between 1 and 1000000 requests per minute")
        }
        return limit
    }

    /// One of a few allowed words.
    private static func choice(_ configuration: ServeConfiguration, _ setting: ServeSetting, _ allowed: KeyValuePairs<String, Bool>) throws -> Bool {
        let text = configuration.string(setting) ?? setting.byDefault
        guard let value = allowed.first(where: { $0.key == text.lowercased() })?.value else {
            throw configuration.invalid(setting, text, expected: allowed.map(\.key).joined(separator: " or "))
        }
        return value
    }

    private static func proxies(_ configuration: ServeConfiguration) throws -> TrustedProxies {
        var ranges: [TrustedProxies.Range] = []
        for text in configuration.list(.trustedProxies) {
            do {
                ranges.append(try TrustedProxies.Range(parsing: text))
            } catch {
                throw ValidationError("\(configuration.source(of: .trustedProxies)): \(error.description)")
            }
        }
        return TrustedProxies(ranges)
    }

    private static func otlpEndpoint(_ configuration: ServeConfiguration) throws -> String? {
        guard let text = configuration.string(.otlpEndpoint) else { return nil }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme), url.host != nil else {
            throw configuration.invalid(.otlpEndpoint, text, expected: "an http:// or https:// URL such as http://collector:4318")
        }
        return text
    }

    /// A location parsed by its own type; its message names the source of the value.
    private static func parsed<T, Failure: Error & CustomStringConvertible>(
        _ configuration: ServeConfiguration,
        _ setting: ServeSetting,
        _ parse: (String) throws(Failure) -> T,
        _ named: WritableKeyPath<Failure, String>
    ) throws -> T {
        do {
            return try parse(configuration.string(setting) ?? setting.byDefault)
        } catch {
            var error = error
            error[keyPath: named] = configuration.source(of: setting)
            throw ValidationError(error.description)
        }
    }

    /// The secret from a file or the environment, checked for length; nil when none is configured.
    private static func secret(_ configuration: ServeConfiguration) throws -> JWTSecret? {
        let bytes: [UInt8]
        let setting: ServeSetting
        if let path = configuration.string(.jwtSecretFile) {
            setting = .jwtSecretFile
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("\(configuration.source(of: .jwtSecretFile)): cannot read the JWT secret file '\(path)'")
            }
            // A trailing newline from `echo` or an editor is not part of the secret.
            bytes = Array(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines).utf8)
        } else if let value = configuration.string(.jwtSecret) {
            setting = .jwtSecret
            bytes = Array(value.utf8)
        } else {
            return nil
        }
        do {
            return try JWTSecret(bytes)
        } catch {
            throw ValidationError("\(configuration.source(of: setting)): \(error.description)")
        }
    }
}
