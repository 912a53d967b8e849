import ArgumentParser
import Configuration
import Foundation
import Synchronization
import Yams

/// Where every setting of `revo serve` is read: the flags, then the environment (`REVO_*`, then the seed's names),
/// then an optional YAML file (`--config`, `REVO_CONFIG`). Errors name the source that set the wrong value.
struct ServeConfiguration: Sendable {
    private let reader: ConfigReader
    private let sources: SourceRecorder
    private let filePath: String?
    /// Settings given twice in the environment under both spellings, and which one wins.
    let warnings: [String]

    /// The names the reader reports its in-memory layers by.
    private let flagsName: String
    private let aliasesName: String
    private let fileName: String

    /// - Parameters:
    ///   - flags: the values given on the command line, by setting.
    ///   - environment: the process environment.
    ///   - file: the path of a YAML file of settings, if any.
    init(flags: [ServeSetting: ConfigContent], environment: [String: String], file: String?) throws {
        var aliases: [AbsoluteConfigKey: ConfigValue] = [:]
        var warnings: [String] = []
        for setting in ServeSetting.all {
            guard let alias = setting.alias, let value = environment[alias] else { continue }
            if environment[setting.environment] != nil {
                warnings.append("both \(setting.environment) and \(alias) are set; \(setting.environment) is used")
            }
            aliases[AbsoluteConfigKey(setting.key)] = ConfigValue(Self.content(value, for: setting), isSecret: setting.isSecret)
        }
        let fromFile = try file.map { try ConfigurationFile.load($0) } ?? [:]
        let recorder = SourceRecorder()
        let flagsLayer = InMemoryProvider(name: "flags", values: Self.values(flags))
        let aliasesLayer = InMemoryProvider(name: "aliases", values: aliases)
        let fileLayer = InMemoryProvider(name: "file", values: Self.values(fromFile))
        self.reader = ConfigReader(
            providers: [
                flagsLayer,
                EnvironmentVariablesProvider(
                    environmentVariables: environment,
                    secretsSpecifier: .specific(Set(ServeSetting.all.filter(\.isSecret).map(\.environment)))
                ).prefixKeys(with: ["revo"]),
                aliasesLayer,
                fileLayer,
            ],
            accessReporter: recorder
        )
        self.flagsName = flagsLayer.providerName
        self.aliasesName = aliasesLayer.providerName
        self.fileName = fileLayer.providerName
        self.sources = recorder
        self.filePath = file
        self.warnings = warnings
    }

    /// The setting's value from the first source that has one; nil when none does.
    func string(_ setting: ServeSetting) -> String? {
        reader.string(forKey: ConfigKey(setting.key), isSecret: setting.isSecret)
    }

    func list(_ setting: ServeSetting) -> [String] {
        (reader.stringArray(forKey: ConfigKey(setting.key)) ?? [])
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// How an error names where a value came from: `--port`, `REVO_PORT`, `DATABASE_URL` or `revo.yaml: port`.
    func source(of setting: ServeSetting) -> String {
        switch sources.provider(for: AbsoluteConfigKey(setting.key)) {
        case flagsName?: "--\(setting.flag ?? setting.name)"
        case aliasesName?: setting.alias ?? setting.environment
        case fileName?: "\(filePath ?? "the configuration file"): \(setting.name)"
        default: setting.environment
        }
    }

    /// A value that does not parse, as a usage error (exit 64) naming its source and what is allowed.
    func invalid(_ setting: ServeSetting, _ value: String, expected: String) -> ValidationError {
        ValidationError("\(source(of: setting)) '\(value)' is not valid: expected \(expected)")
    }

    private static func values(_ settings: [ServeSetting: ConfigContent]) -> [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (setting, content) in settings { values[AbsoluteConfigKey(setting.key)] = ConfigValue(content, isSecret: setting.isSecret) }
        return values
    }

    static func content(_ text: String, for setting: ServeSetting) -> ConfigContent {
        setting.isList ? .stringArray(text.split(separator: ",").map(String.init)) : .string(text)
    }
}

/// Remembers which provider answered each key, so that an error can name the source of a bad value.
private final class SourceRecorder: AccessReporter {
    private let answered = Mutex<[[String]: String]>([:])

    func report(_ event: AccessEvent) {
        let first = event.providerResults.first { result in
            if case .success(let lookup) = result.result { return lookup.value != nil }
            return false
        }
        answered.withLock { $0[event.metadata.key.components] = first?.providerName }
    }

    func provider(for key: AbsoluteConfigKey) -> String? {
        answered.withLock { $0[key.components] }
    }
}
