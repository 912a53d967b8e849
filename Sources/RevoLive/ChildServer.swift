import Foundation
import RevoScenarios
import Synchronization

/// A `revo` server as a child process (`revo serve`, `revo fake-llm`): started with the live run's settings, found by
/// the URL it prints first, stopped with SIGTERM (graceful: in-flight requests finish, the outbox is flushed).
final class ChildServer: Sendable {
    let baseURL: String
    private let process: Process
    let log: URL

    /// The server's resident memory in bytes (`VmRSS` of `/proc/<pid>/status`); nil when it cannot be read.
    var residentBytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return kilobytes * 1024
    }

    /// Starts `executable arguments…` in `folder` (serve's SQLite outbox lives there) and waits for its URL; its
    /// standard error goes to `folder/<name>.log`.
    static func start(
        name: String,
        executable: URL,
        arguments: [String],
        environment: [String: String],
        folder: URL
    ) throws(LiveError) -> ChildServer {
        let log = folder.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        do {
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
        } catch {
            throw LiveError("cannot start \(executable.path) \(arguments.first ?? ""): \(error.localizedDescription)")
        }
        // The first line names the bound port ("revo serving on http://host:port ...").
        let line = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var buffer = Data()
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                if let newline = buffer.firstIndex(of: 10) {
                    line.withLock { $0 = String(decoding: buffer[..<newline], as: UTF8.self) }
                    break
                }
            }
            done.signal()
            // Keep draining so the child never blocks on a full pipe.
            while !output.fileHandleForReading.availableData.isEmpty {}
        }
        let arrived = done.wait(timeout: .now() + 60) == .success
        guard arrived, let first = line.withLock({ $0 }), let range = first.range(of: "http://") else {
            process.terminate()
            throw LiveError("revo \(arguments.first ?? "") did not start within 60 s (log: \(log.path))")
        }
        let url = first[range.lowerBound...].prefix { !$0.isWhitespace }
        return ChildServer(baseURL: String(url), process: process, log: log)
    }

    private init(baseURL: String, process: Process, log: URL) {
        self.baseURL = baseURL
        self.process = process
        self.log = log
    }

    /// SIGTERM, then waits up to `grace` for the graceful shutdown; SIGKILL after that.
    func stop(grace: Duration = .seconds(30)) async {
        guard process.isRunning else { return }
        process.terminate()
        let clock = ContinuousClock()
        let deadline = clock.now + grace
        while process.isRunning, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }
}
