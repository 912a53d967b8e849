import Foundation
import Synchronization

/// Runs the built `revo` executable as a separate process and captures what it printed.
struct RevoProcess {
    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The checkout these tests are in.
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `revo` sits next to the test bundle in the build directory (`swift build --build-tests` builds both).
    static var executable: URL {
        if let override = ProcessInfo.processInfo.environment["REVO_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On Darwin the test binary lives inside an .xctest bundle.
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "MacOS" || directory.lastPathComponent == "Contents" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("revo")
    }

    /// Sends SIGTERM and awaits the exit without blocking a cooperative thread (an in-process server the child talks
    /// to while it stops, such as a collector receiving its last spans, needs those threads).
    static func stop(_ process: Process) async {
        let resumed = Mutex(false)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            @Sendable func resumeOnce() {
                if resumed.withLock({ done in
                    defer { done = true }
                    return !done
                }) {
                    continuation.resume()
                }
            }
            process.terminationHandler = { _ in resumeOnce() }
            if process.isRunning { process.terminate() } else { resumeOnce() }
        }
    }

    /// `environment` replaces the inherited one when given (for settings read from `REVO_*`).
    ///
    /// The wait happens on a thread of its own: tests run on Swift's cooperative threads (two on a 2-core CI machine),
    /// and a child that runs for a minute would otherwise hold one, stalling every other test's awaits meanwhile.
    static func run(_ arguments: [String], environment: [String: String]? = nil) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runWaiting(arguments, environment: environment) }) }.start()
        }
    }

    private static func runWaiting(_ arguments: [String], environment: [String: String]?) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a chatty child never blocks on a full pipe.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self)
        )
    }
}
