import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Progress of long runs (live scenarios, swarms) on standard error. On a terminal, one line rewritten in place on
/// every update, holding every running task; elsewhere (a CI log), a plain line per task at most every
/// ``interval``, so the log shows the run moving without a flood.
final class StatusLine: Sendable {
    static let shared = StatusLine()

    /// How often a non-terminal gets a task's line.
    static let interval: Duration = .seconds(30)

    private struct State {
        var lines: [(key: String, text: String)] = []
        var printed: [String: ContinuousClock.Instant] = [:]
        var drawn = false
    }

    let terminal: Bool
    private let state = Mutex(State())
    private let output: @Sendable (String) -> Void
    private let width: @Sendable () -> Int

    init(
        terminal: Bool = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil,
        width: @escaping @Sendable () -> Int = StatusLine.terminalWidth,
        output: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.terminal = terminal
        self.width = width
        self.output = output
    }

    static func terminalWidth() -> Int {
        var size = winsize()
        return ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 120
    }

    /// The current line of task `key`.
    func update(_ key: String, _ text: String) {
        let now = ContinuousClock.now
        state.withLock { state in
            if let index = state.lines.firstIndex(where: { $0.key == key }) {
                state.lines[index].text = text
            } else {
                state.lines.append((key, text))
            }
            if terminal {
                draw(&state)
            } else if state.printed[key].map({ $0.duration(to: now) >= Self.interval }) ?? true {
                state.printed[key] = now
                write(text + "\n")
            }
        }
    }

    /// Task `key` is done: its line goes.
    func finish(_ key: String) {
        state.withLock { state in
            state.lines.removeAll { $0.key == key }
            state.printed[key] = nil
            if terminal { draw(&state) }
        }
    }

    /// Wipes the line on a terminal, so that other output starts on a clean one (the next update draws it again).
    func clear() {
        state.withLock { state in
            guard terminal, state.drawn else { return }
            write("\r\u{1B}[2K")
            state.drawn = false
        }
    }

    private func draw(_ state: inout State) {
        let text = state.lines.map(\.text).joined(separator: " | ")
        write("\r\u{1B}[2K" + String(text.prefix(max(1, width() - 1))))
        state.drawn = !text.isEmpty
    }

    private func write(_ text: String) {
        output(text)
    }
}
