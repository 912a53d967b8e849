import Foundation
import RevoScenarios

/// Runs the helper programs of a live run (initdb, pg_ctl, redis-server) to completion, their output in a log file.
enum Shell {
    /// Runs `arguments` (the program is looked up on PATH); throws when it exits non-zero, naming the log.
    static func run(_ arguments: [String], log: URL) throws(LiveError) {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        // Through bash, closing every descriptor above 2 first: a daemon started here (redis-server --daemonize,
        // pg_ctl start) would otherwise inherit the descriptor Process watches, and waitUntilExit would wait for it.
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", Self.closingDescriptors + #"exec "$@""#, "bash"] + arguments
        process.standardInput = FileHandle.nullDevice
        // A file, never a pipe: daemons started here keep what they inherit open, and a pipe would never close.
        do {
            let output = try FileHandle(forWritingTo: log)
            process.standardOutput = output
            process.standardError = output
            try process.run()
        } catch {
            throw LiveError("cannot run \(arguments.joined(separator: " ")): \(error.localizedDescription)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let reason =
                (lastLine(of: log, matching: Self.namesAFailure) ?? lastLine(of: log, matching: { !$0.isEmpty }))
                .map { ": \($0)" } ?? ""
            throw LiveError("\(arguments.joined(separator: " ")) exited with \(process.terminationStatus)\(reason) (log: \(log.path))")
        }
    }

    /// The last line of a log that `matches`, trimmed; what a failure message quotes so a CI log names the cause.
    static func lastLine(of log: URL, matching matches: (String) -> Bool) -> String? {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return nil }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.last(where: matches)
    }

    /// A log line that says why a program failed (initdb ends with a harmless notice after its error).
    static func namesAFailure(_ line: String) -> Bool {
        let lowered = line.lowercased()
        return ["error", "fatal", "could not", "cannot", "permission denied"].contains { lowered.contains($0) }
    }

    static let closingDescriptors =
        #"for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-"; fi; done 2>/dev/null; "#

    /// Whether a program is on PATH.
    static func has(_ program: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
    }

    static var isRoot: Bool { getuid() == 0 }
}
