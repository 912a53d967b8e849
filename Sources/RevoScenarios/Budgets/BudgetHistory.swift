import Foundation

/// The figures of earlier commits, one JSON object per line, oldest first:
/// `{"commit":"eb14c35","date":"2026-12-06T07:00:00Z","figures":{"simulation.healthy-chat-p95":812.4}}`.
/// CI keeps the file as an artifact (or on a branch) and appends a line per commit on the main branch.
public struct BudgetHistory: Sendable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public var commit: String
        /// ISO 8601, UTC.
        public var date: String
        public var figures: [String: Double]

        public init(commit: String, date: String, figures: [String: Double]) {
            self.commit = commit
            self.date = date
            self.figures = figures
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// The history in `path`; none yet when the file does not exist. A line that is not an entry is an error naming
    /// its line, and nothing of the file is used.
    public static func read(_ path: String) throws(BudgetError) -> BudgetHistory {
        guard FileManager.default.fileExists(atPath: path) else { return BudgetHistory() }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path, error.localizedDescription)
        }
        var entries: [Entry] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            do {
                entries.append(try JSONDecoder().decode(Entry.self, from: Data(line.utf8)))
            } catch {
                throw .invalid("\(path):\(index + 1)", "expected {\"commit\", \"date\", \"figures\": {\"name\": number}}: \(error)")
            }
        }
        return BudgetHistory(entries: entries)
    }

    /// One line for `entry`, keys sorted, so the same figures always give the same line.
    public static func line(_ entry: Entry) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(entry)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Adds `entry` at the end of the file, creating it when needed; earlier lines are left as they are (a last
    /// line without its newline gets one first).
    public static func append(_ entry: Entry, to path: String) throws(BudgetError) {
        do {
            if !FileManager.default.fileExists(atPath: path) {
                try Data().write(to: URL(fileURLWithPath: path))
            }
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            let end = try handle.seekToEnd()
            var separator = ""
            if end > 0 {
                try handle.seek(toOffset: end - 1)
                if handle.readData(ofLength: 1) != Data("\n".utf8) { separator = "\n" }
            }
            try handle.write(contentsOf: Data((separator + Self.line(entry) + "\n").utf8))
        } catch {
            throw .unwritable(path, "\(error)")
        }
    }

    /// The figure's values in the last `count` entries that have it, oldest first.
    public func values(of figure: String, last count: Int) -> [Double] {
        Array(entries.compactMap { $0.figures[figure] }.suffix(count))
    }
}
