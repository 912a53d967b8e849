import Foundation
import RevoScenarios
import RevoServer

/// Drives headless Chromium through a scenario's browser probes with `browser/drive.py` (Playwright's Python package
/// on the system's chromium), from pages served by ``BrowserPages``, and judges what the pages' scripts saw.
struct BrowserProbeRunner: Sendable {
    /// The Python that has Playwright, and the driver script.
    struct Driver: Sendable {
        var python: String
        var script: String

        /// `REVO_BROWSER_PYTHON` (default: the venv ci/setup makes, `.build/browser-venv`) and `browser/drive.py` of
        /// the checkout; nil with the reason when either is missing.
        static func locate() -> Result<Driver, LiveError> {
            guard let script = WebRoot.installed("browser/drive.py").first else {
                return .failure(LiveError("browser/drive.py not found beside revo's checkout"))
            }
            let python =
                ProcessInfo.processInfo.environment["REVO_BROWSER_PYTHON"]
                ?? WebRoot.installed(".build/browser-venv/bin/python").first
            guard let python else {
                return .failure(LiveError("no Python with Playwright: run ci/setup (it makes .build/browser-venv) or set REVO_BROWSER_PYTHON"))
            }
            return .success(Driver(python: python, script: script))
        }
    }

    let driver: Driver
    let pages: BrowserPages
    let api: String
    let tokens: ProbeClient

    /// Every probe's result; when the browser could not run at all, each says why and counts as not sent.
    func run(_ probes: [BrowserProbe], username: String) async -> [Probe.Result] {
        guard !probes.isEmpty else { return [] }
        var plan: [String: Any] = ["api": api, "pages": ["allowed": pages.allowed + "/", "other": pages.other + "/"]]
        var tokenValues: [String: String] = [:]
        for kind in Probe.Token.allCases { if let value = tokens.token(kind) { tokenValues[kind.rawValue] = value } }
        plan["tokens"] = tokenValues
        plan["probes"] = probes.map { probe -> [String: Any] in
            var entry: [String: Any] = ["name": probe.name, "origin": probe.origin.rawValue, "token": probe.token.rawValue, "username": username]
            switch probe.action {
            case .fetch(let method, let path, let body):
                entry.merge(["kind": "fetch", "method": method, "path": path], uniquingKeysWith: { $1 })
                if let body { entry["body"] = body }
            case .webSocket(let path): entry.merge(["kind": "websocket", "path": path], uniquingKeysWith: { $1 })
            case .session: entry["kind"] = "session"
            }
            return entry
        }
        switch await drive(plan) {
        case .success(let seen):
            return probes.map { probe in
                guard let observation = seen.first(where: { $0.name == probe.name }) else {
                    return probe.notRun("the driver reported nothing for it")
                }
                return probe.judge(observation)
            }
        case .failure(let error):
            return probes.map { $0.notRun(error.description) }
        }
    }

    private struct Answer: Decodable {
        var results: [BrowserObservation]
    }

    /// Runs the driver with the plan on stdin; its JSON answer on stdout, its complaints in the error. Files rather than
    /// pipes, and the exit awaited rather than waited for: a blocked thread of the cooperative pool would starve the
    /// page servers in this process.
    private func drive(_ plan: [String: Any]) async -> Result<[BrowserObservation], LiveError> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("revo-browser-\(ProcessInfo.processInfo.globallyUniqueString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (input, output, errors) = (
            folder.appendingPathComponent("plan.json"), folder.appendingPathComponent("seen.json"), folder.appendingPathComponent("driver.log")
        )
        let process = Process()
        process.executableURL = URL(fileURLWithPath: driver.python)
        process.arguments = [driver.script, "probes"]
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: plan, options: [.sortedKeys]).write(to: input)
            for file in [output, errors] { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
            process.standardInput = try FileHandle(forReadingFrom: input)
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = try FileHandle(forWritingTo: errors)
        } catch {
            return .failure(LiveError("cannot prepare the browser driver's files in \(folder.path): \(error.localizedDescription)"))
        }
        let started: Bool = await withCheckedContinuation { continuation in
            process.terminationHandler = { _ in continuation.resume(returning: true) }
            do { try process.run() } catch { continuation.resume(returning: false) }
        }
        guard started else { return .failure(LiveError("cannot start \(driver.python) \(driver.script)")) }
        let answer = (try? Data(contentsOf: output)) ?? Data()
        guard process.terminationStatus == 0, let decoded = try? JSONDecoder().decode(Answer.self, from: answer) else {
            let complaints = (try? Data(contentsOf: errors)) ?? Data()
            let reason = String(decoding: complaints.suffix(600) + answer.suffix(300), as: UTF8.self)
            return .failure(LiveError("the browser driver exited with \(process.terminationStatus): \(reason)"))
        }
        return .success(decoded.results)
    }
}
