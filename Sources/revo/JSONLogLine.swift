import Foundation
import Logging
import Synchronization

/// `--log-format json`: one JSON object per line on standard error — time (UTC, milliseconds), level, label, message,
/// then the line's metadata as fields (the request id as `request`; numbers stay numbers). Set once at start by the
/// command that reads the setting; the handlers consult it on every line.
enum JSONLogLine {
    private static let enabled = Atomic<Bool>(false)
    private static let output = Mutex<FileHandle>(FileHandle.standardError)

    /// `2026-12-05T20:53:30.123Z`.
    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static var isEnabled: Bool { enabled.load(ordering: .relaxed) }

    static func enable() {
        enabled.store(true, ordering: .relaxed)
    }

    static func write(_ event: LogEvent, label: String, metadata: Logger.Metadata) {
        var line = "{\"time\":" + quoted(Date().formatted(timeFormat))
        line += ",\"level\":" + quoted(event.level.rawValue) + ",\"label\":" + quoted(label)
        line += ",\"message\":" + quoted(event.message.description)
        for key in metadata.keys.sorted() where !["time", "level", "label", "message"].contains(key) {
            line += "," + quoted(key) + ":" + value(metadata[key]!)
        }
        line += "}\n"
        output.withLock { $0.write(Data(line.utf8)) }
    }

    private static func value(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): return quoted(text)
        case .stringConvertible(let convertible):
            if convertible is any BinaryInteger || convertible is any BinaryFloatingPoint, Double(convertible.description)?.isFinite == true {
                return convertible.description
            }
            return quoted(convertible.description)
        case .array(let values): return "[" + values.map(Self.value).joined(separator: ",") + "]"
        case .dictionary(let entries):
            return "{" + entries.keys.sorted().map { quoted($0) + ":" + Self.value(entries[$0]!) }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
