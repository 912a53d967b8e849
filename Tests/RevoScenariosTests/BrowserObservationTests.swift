import RevoRuntime
import Testing

@testable import RevoScenarios

@Suite("Browser probes: judging what the page saw")
struct BrowserObservationTests {
    static let blockedProbe = BrowserProbe(
        name: "b",
        action: .fetch(method: "POST", path: "/api/chat", body: nil),
        origin: .other,
        token: .valid,
        expectBlocked: true
    )

    @Test("a fetch rejected with a TypeError is blocked; an answer the script could read is not")
    func blocked() {
        #expect(Self.blockedProbe.judge(BrowserObservation(name: "b", error: "TypeError: Failed to fetch")).passed)
        let read = Self.blockedProbe.judge(BrowserObservation(name: "b", status: 200, body: "{}"))
        #expect(!read.passed)
        #expect(read.observed.contains("the browser should have blocked it"))
    }

    @Test("a page that never loaded is not a verdict on CORS")
    func pageNeverLoaded() {
        let timedOut = Self.blockedProbe.judge(BrowserObservation(name: "b", error: "TimeoutError: Page.goto: Timeout 15000ms exceeded."))
        #expect(!timedOut.passed)
        #expect(timedOut.observed.contains("never got to call"))
    }

    @Test("an uncaught exception in the page fails the probe")
    func pageThrew() {
        var seen = BrowserObservation(name: "b", error: "TypeError: Failed to fetch")
        seen.console = ["pageerror: ReferenceError: client is not defined"]
        let result = Self.blockedProbe.judge(seen)
        #expect(!result.passed)
        #expect(result.observed.contains("the page threw: ReferenceError: client is not defined"))
    }

    @Test("a WebSocket probe reads the close code and reason")
    func webSocket() {
        let probe = BrowserProbe(name: "w", action: .webSocket(path: "/ws"), expectCloseCode: 4404, expectText: ["it is at /ws/chat"])
        #expect(probe.judge(BrowserObservation(name: "w", closeCode: 4404, closeReason: "no WebSocket at /ws; it is at /ws/chat")).passed)
        #expect(!probe.judge(BrowserObservation(name: "w", closeCode: 1006, closeReason: "")).passed)
    }
}
