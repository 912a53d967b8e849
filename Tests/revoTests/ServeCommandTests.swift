import Foundation
import Testing

@testable import revo

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("revo serve")
struct ServeCommandTests {
    /// The environment of the test without any `REVO_*` setting, so a developer's own configuration cannot leak in.
    static var cleanEnvironment: [String: String] {
        let aliases = Set(ServeSetting.all.compactMap(\.alias))
        return ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("REVO_") && !aliases.contains($0.key) }
    }

    @Test("production mode without a JWT secret refuses to start with 64 and says where a secret comes from")
    func productionNeedsSecret() async throws {
        let output = try await RevoProcess.run(["serve", "--database", "memory"], environment: Self.cleanEnvironment)
        #expect(output.status == 64)
        #expect(output.standardError.contains("production mode needs a JWT secret of at least 32 bytes"))
        #expect(output.standardError.contains("REVO_JWT_SECRET"))
    }

    @Test(
        "bad settings are refused with 64, naming the setting and what is allowed",
        arguments: [
            (["--allow-origin", "*"], [:], "never *"),
            (["--port", "70000"], [:], "--port '70000' is not valid: expected a port number between 0 (any free port) and 65535"),
            ([], ["REVO_PORT": "eighty"], "REVO_PORT 'eighty' is not valid: expected a port number"),
            ([], ["DATABASE_URL": "mysql://db/revo"], "DATABASE_URL 'mysql://db/revo' is not one of sqlite:PATH"),
            ([], ["REDIS_URL": "redis://cache:0"], "REDIS_URL 'redis://cache:0' is not one of memory or redis://"),
            (["--database", "postgres:x"], [:], "is not one of sqlite:PATH"),
            (["--cache", "redis://cache:0"], [:], "the port '0' is not between 1 and 65535"),
            (["--cache", "memcached://x"], [:], "--cache 'memcached://x' is not one of memory or redis://"),
            (["--providers", "gpt-5"], [:], "--providers: 'gpt-5' is not one of"),
            (["--provider", "gpt=http://127.0.0.1:9000/v1"], [:], "--provider must be NAME=URL[;model=M][;api=openai|anthropic]"),
            (["--provider", "openai=ftp://x"], [:], "--provider openai: the URL must start with http:// or https://"),
            (["--provider", "openai=http://x;tier=gold"], [:], "unknown option 'tier=gold'; allowed: model=NAME, api=openai|anthropic"),
            (
                ["--provider", "openai=http://127.0.0.1:9/v1", "--providers", "openai,mock"],
                ["REVO_JWT_SECRET": String(repeating: "s", count: 40)],
                "production mode serves every provider over HTTP: give --provider mock=URL"
            ),
            (["--rate-limit", "0"], [:], "--rate-limit '0' is not valid: expected between 1 and 1000000"),
            (["--dev-load-scale", "0"], [:], "--dev-load-scale must be in (0, 1], got 0.0"),
            ([], ["REVO_JWT_SECRET": "short"], "REVO_JWT_SECRET: the JWT secret is 5 bytes; HS256 needs at least 32"),
            ([], ["JWT_SECRET": "short"], "JWT_SECRET: the JWT secret is 5 bytes"),
        ] as [([String], [String: String], String)]
    )
    func badSettings(arguments: [String], environment: [String: String], message: String) async throws {
        let dev = environment["REVO_JWT_SECRET"] == nil && environment["JWT_SECRET"] == nil ? ["--dev"] : []
        let output = try await RevoProcess.run(
            ["serve"] + dev + arguments,
            environment: Self.cleanEnvironment.merging(environment) { $1 }
        )
        #expect(output.status == 64, "\(output.standardError)")
        #expect(output.standardError.contains(message), "\(output.standardError)")
    }

    /// `revo serve --dev` on a free port with its database in `directory`; the process and the base URL it printed.
    /// `arguments` are added to the command line; standard error goes to `errors` (at `logLevel`) when given.
    static func startDev(
        in directory: URL,
        arguments: [String] = [],
        errors: URL? = nil,
        logLevel: String = "error"
    ) async throws -> (Process, String) {
        let log = directory.appendingPathComponent("stdout")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = RevoProcess.executable
        process.arguments =
            ["serve", "--dev", "--port", "0", "--database", "sqlite:\(directory.path)/revo.db", "--bcrypt-cost", "10"] + arguments
        process.environment = Self.cleanEnvironment.merging(["LOG_LEVEL": logLevel]) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: log)
        if let errors {
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: errors)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()

        // The line names the bound port once the server accepts connections.
        for _ in 0..<600 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("revo serving on ") }) {
                return (process, line.split(separator: " ")[3].description)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "revo serve printed no address"])
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("revo-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("--dev starts on any free port, answers /health, and exits 0 on SIGTERM")
    func devServes() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (process, base) = try await Self.startDev(in: directory)
        defer { if process.isRunning { process.terminate() } }
        #expect(!base.hasSuffix(":0"))

        let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: base + "/health")))
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let health = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect((health?["services"] as? [String: Any])?["database"] != nil)

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: directory.path + "/revo.db"))
    }

    /// The browser venv ci/setup makes, beside this checkout.
    static let browserPython = RevoProcess.checkout.appendingPathComponent(".build/browser-venv/bin/python").path

    @Test(
        "--dev serves the web client at /, and in headless Chromium it logs in, chats, streams and refreshes",
        .enabled(if: FileManager.default.fileExists(atPath: browserPython) || ProcessInfo.processInfo.environment["REVO_TEST_BROWSER"] != nil)
    )
    func devServesTheWebClient() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (process, base) = try await Self.startDev(in: directory)
        defer { process.terminate() }
        let (page, _) = try await URLSession.shared.data(from: try #require(URL(string: base + "/")))
        #expect(String(decoding: page, as: UTF8.self).contains("<script type=\"module\" src=\"app.js\">"))

        // The page's own origin is the API's: the client's calls are same-origin.
        let plan: [String: Any] = [
            "api": base, "pages": ["allowed": base + "/"], "tokens": [:] as [String: String],
            "probes": [["name": "session", "kind": "session", "origin": "allowed", "username": "browser-dev"]],
        ]
        try JSONSerialization.data(withJSONObject: plan).write(to: directory.appendingPathComponent("plan.json"))
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: Self.browserPython)
        driver.arguments = [RevoProcess.checkout.appendingPathComponent("browser/drive.py").path, "probes"]
        driver.standardInput = try FileHandle(forReadingFrom: directory.appendingPathComponent("plan.json"))
        let seen = directory.appendingPathComponent("seen.json")
        _ = FileManager.default.createFile(atPath: seen.path, contents: nil)
        driver.standardOutput = try FileHandle(forWritingTo: seen)
        // Awaited, not waited for: a blocked cooperative thread would stall the other tests meanwhile.
        await withCheckedContinuation { continuation in
            driver.terminationHandler = { _ in continuation.resume() }
            do { try driver.run() } catch { continuation.resume() }
        }
        let answer = try JSONSerialization.jsonObject(with: try Data(contentsOf: seen)) as? [String: Any]
        let result = try #require((answer?["results"] as? [[String: Any]])?.first)
        #expect(result["ok"] as? Bool == true, "\(result)")
        #expect((result["steps"] as? [String])?.last?.hasPrefix("refreshed the access token") == true, "\(result)")
    }
}
