import Synchronization
import Testing

@testable import revo

@Suite("progress of long runs")
struct StatusLineTests {
    final class Written: Sendable {
        let text = Mutex("")
        func append(_ more: String) { text.withLock { $0 += more } }
    }

    @Test("in a log, each task's line at most every 30 s; on a terminal, one line redrawn in place with every task")
    func throttlesAndRedraws() {
        let log = Written()
        let plain = StatusLine(terminal: false, width: { 80 }, output: log.append)
        plain.update("postgres-outage", "postgres-outage 0:01/5:00")
        plain.update("postgres-outage", "postgres-outage 0:02/5:00")
        plain.update("redis-outage", "redis-outage 0:01/1:00")
        #expect(log.text.withLock { $0 } == "postgres-outage 0:01/5:00\nredis-outage 0:01/1:00\n")

        let screen = Written()
        let terminal = StatusLine(terminal: true, width: { 40 }, output: screen.append)
        terminal.update("a", "a 0:01")
        terminal.update("b", "b 0:02")
        terminal.update("a", "a 0:03 " + String(repeating: "x", count: 60))
        let frames = screen.text.withLock { $0 }.components(separatedBy: "\r\u{1B}[2K").filter { !$0.isEmpty }
        #expect(frames.count == 3)
        #expect(frames[1] == "a 0:01 | b 0:02")
        #expect(frames[2].count == 39 && frames[2].hasPrefix("a 0:03 xxx"))
        terminal.finish("a")
        #expect(screen.text.withLock { $0 }.hasSuffix("\r\u{1B}[2Kb 0:02"))
    }
}
