import ArgumentParser
import Configuration
import Foundation
import Yams

/// A `--config` file: a YAML mapping of setting names (``ServeSetting/name``) to values. Unknown keys, secrets and
/// values of the wrong shape are refused with the file, line and column.
enum ConfigurationFile {
    static func load(_ path: String) throws -> [ServeSetting: ConfigContent] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("--config \(path): cannot read the file")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: String(decoding: data, as: UTF8.self))
        } catch {
            throw ValidationError("\(path): not YAML: \(error)")
        }
        guard let root else { return [:] }
        guard let mapping = root.mapping else {
            throw ValidationError("\(path):\(root.mark.map { "\($0.line):\($0.column)" } ?? "1:1"): expected a mapping of settings")
        }
        var settings: [ServeSetting: ConfigContent] = [:]
        for (keyNode, valueNode) in mapping {
            let at = "\(path):\(keyNode.mark.map { "\($0.line):\($0.column)" } ?? "?")"
            let name = keyNode.string ?? ""
            guard let setting = ServeSetting.all.first(where: { $0.name == name }) else {
                let known = ServeSetting.all.filter { !$0.isSecret }.map(\.name).joined(separator: ", ")
                throw ValidationError("\(at): unknown setting '\(name)'; known: \(known)")
            }
            guard !setting.isSecret else {
                throw ValidationError("\(at): \(name) does not belong in a file of settings: set \(setting.environment) or jwt_secret_file")
            }
            settings[setting] = try content(of: valueNode, for: setting, at: at)
        }
        return settings
    }

    private static func content(of node: Node, for setting: ServeSetting, at: String) throws -> ConfigContent {
        if setting.isList {
            if let sequence = node.sequence {
                let items = sequence.compactMap(\.scalar).map(\.string)
                guard items.count == sequence.count else { throw ValidationError("\(at): \(setting.name) must be a list of strings") }
                return .stringArray(items)
            }
            if let scalar = node.scalar { return ServeConfiguration.content(scalar.string, for: setting) }
            throw ValidationError("\(at): \(setting.name) must be a list of strings")
        }
        guard let scalar = node.scalar else { throw ValidationError("\(at): \(setting.name) must be a single value") }
        return .string(scalar.string)
    }
}
