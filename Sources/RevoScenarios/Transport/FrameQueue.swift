import DequeModule
import Synchronization

/// One direction of an in-process WebSocket: frames in the order sent, until the sender closes or the connection
/// drops. A reader waits for the next frame; a cancelled reader gets nil, as a dropped socket would give it.
package final class FrameQueue: Sendable {
    package enum Frame: Sendable, Equatable {
        case text(String)
        /// A close frame with its code and reason.
        case close(code: Int, reason: String)
    }

    private struct State {
        var frames = Deque<Frame>()
        var waiter: CheckedContinuation<Frame?, Never>?
        /// No more frames will come (the peer closed or the connection dropped).
        var ended = false
    }

    private let state = Mutex(State())

    /// Queues a frame; false when the queue has ended (the frame goes nowhere).
    @discardableResult
    package func push(_ frame: Frame) -> Bool {
        let waiter = state.withLock { s -> CheckedContinuation<Frame?, Never>?? in
            guard !s.ended else { return nil }
            if case .close = frame { s.ended = true }
            if let waiter = s.waiter {
                s.waiter = nil
                return waiter
            }
            s.frames.append(frame)
            return .some(nil)
        }
        guard let waiter else { return false }
        waiter?.resume(returning: frame)
        return true
    }

    /// Ends the queue: frames already queued are still read, then nil.
    package func end() {
        let waiter = state.withLock { s in
            s.ended = true
            defer { s.waiter = nil }
            return s.frames.isEmpty ? s.waiter : nil
        }
        waiter?.resume(returning: nil)
    }

    var hasEnded: Bool { state.withLock { $0.ended } }

    /// The next frame, waiting for it; nil once the queue has ended and is empty, or when the reader is cancelled.
    package func next() async -> Frame? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { s -> Frame?? in
                    if let frame = s.frames.popFirst() { return .some(frame) }
                    if s.ended || Task.isCancelled { return .some(nil) }
                    s.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { s in
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}
