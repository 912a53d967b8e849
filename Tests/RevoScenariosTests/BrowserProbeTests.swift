import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RevoCore
import RevoRuntime
import RevoServer
import RevoSim
import Testing

@testable import RevoLive
@testable import RevoScenarios

enum BrowserAvailability {
    static let runs = (try? BrowserProbeRunner.Driver.locate().get()) != nil || ProcessInfo.processInfo.environment["REVO_TEST_BROWSER"] != nil
}

/// frontend-integration's browser probes in headless Chromium against a real server on a socket: they pass against
/// the server as built, and fail when CORS answers every origin or the chat socket moves. In CI the browser must be
/// there (`REVO_TEST_BROWSER`); elsewhere the suite runs when ci/setup's browser venv is.
@Suite(
    "Browser probes in headless Chromium",
    .enabled(if: BrowserAvailability.runs)
)
struct BrowserProbeTests {
    static let secret = "browser-test-secret-of-at-least-32-bytes"
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    enum Breakage: String, CaseIterable {
        case none
        /// The allow-list answers the other page's origin too: from a browser, the same as echoing every origin.
        case corsAnswersEveryOrigin
        /// The chat socket served at another path than the client and the probes use.
        case webSocketMoved
    }

    /// Each probe's name and whether it passed, against a server broken as `breakage` says.
    static func run(_ breakage: Breakage) async throws -> [String: Bool] {
        let driver = try BrowserProbeRunner.Driver.locate().get()
        let probes = try ScenarioLoader.load(file: root.appendingPathComponent("Scenarios/frontend-integration.yaml").path).browserProbes
        let webRoot = try #require(WebRoot.installed("web").first(where: WebRoot.holdsClient), "web/ not found")
        let pages = try await BrowserPages.start(webRoot: webRoot)
        let system = await Self.system()
        let users = InMemoryUserStore()
        _ = try users.create(StoredUser(id: "user-browser", username: "browser-tester", passwordHash: "", createdAt: .zero))
        let key = try JWTSecret(Array(secret.utf8))
        let pair = try await TokenService(secret: key).issue(userID: "user-browser", username: "browser-tester")
        let clock = SystemClock(ContinuousClock())
        let user = VirtualUser(
            index: 0,
            username: "browser-tester",
            password: "",
            userID: "user-browser",
            tokens: VirtualUser.Tokens(access: pair.accessToken, refresh: pair.refreshToken, accessExpiresAt: pair.accessExpiresIn)
        )
        let app = RevoApplication.application(
            system: system,
            authentication: Authentication(tokens: await TokenService(secret: key), users: users, passwords: PasswordHasher(cost: 4)),
            configuration: ServerConfiguration(
                port: 0,
                allowedOrigins: breakage == .corsAnswersEveryOrigin ? [pages.allowed, pages.other] : [pages.allowed],
                requestsPerMinute: 10_000,
                webSocket: WebSocketSettings(path: breakage == .webSocketMoved ? "/ws/conversation" : "/ws/chat")
            ),
            clock: clock,
            metrics: ServerMetrics(),
            logger: Logger(label: "test")
        )
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        var results: [Probe.Result] = []
        do {
            results = try await app.test(.live) { client in
                let api = "http://127.0.0.1:\(try #require(client.port))"
                let transport = LoopbackTransport(http: http, baseURL: api, timeout: .seconds(10))
                let tokens = ProbeClient(transport: transport, clock: clock, user: user, expiredToken: await LiveAccount.expiredToken(secret: secret))
                return await BrowserProbeRunner(driver: driver, pages: pages, api: api, tokens: tokens).run(probes, username: "browser-\(breakage)")
            }
        } catch {
            Issue.record("server: \(error)")
        }
        try? await http.shutdown()
        await pages.stop()
        await system.shutdown()
        for result in results where !result.sent { Issue.record("\(result.name) not run: \(result.observed)") }
        #expect(results.count == probes.count)
        return Dictionary(uniqueKeysWithValues: results.map { ($0.name, $0.passed) })
    }

    static func system() async -> RevoSystem {
        let clock = SystemClock(ContinuousClock())
        let system = RevoSystem(
            configuration: RevoSystem.Configuration(seed: 1),
            dependencies: RevoSystem.Dependencies(
                providers: [InstantProvider(.openai(hasKey: true)), InstantProvider(.mock())],
                probe: FixedResourceProbe(MachineResources(totalRAM: .gigabytes(16), availableRAM: .gigabytes(8), cpuCores: 4)),
                conversations: InMemoryConversationStore(),
                memoryPrimary: InMemoryMemoryBackend(),
                cache: InMemoryCache(clock: clock),
                clock: clock,
                starter: ConcurrentTaskStarter()
            )
        )
        await system.start()
        await system.modelsLoaded()
        return system
    }

    @Test("the client's flow and every browser probe pass against the server as built")
    func intact() async throws {
        let passed = try await Self.run(.none)
        #expect(!passed.isEmpty)
        #expect(passed.filter { !$0.value }.keys.sorted() == [])
    }

    @Test("CORS answering every origin fails the probe from the other origin, and only it")
    func corsAnswersEveryOrigin() async throws {
        let passed = try await Self.run(.corsAnswersEveryOrigin)
        #expect(passed.filter { !$0.value }.keys.sorted() == ["browser-api-from-other-origin-blocked"])
    }

    @Test("a chat socket moved to another path fails every WebSocket probe and the client's flow, not the fetches")
    func webSocketMoved() async throws {
        let passed = try await Self.run(.webSocketMoved)
        #expect(
            passed.filter { !$0.value }.keys.sorted() == [
                "browser-login-chat-stream-refresh", "browser-websocket-on-wrong-path", "browser-websocket-with-expired-token",
            ]
        )
    }
}
