import RevoRuntime
import Synchronization

/// Runs each arrival's request in a task that then waits for the next arrival, rather than in a task of its own: a
/// task grows its stack of async frames in slabs it allocates, and a request's frames (Hummingbird's middleware chain,
/// the routes, the client) take many of them, so a new task per request paid for its stack every time. A worker keeps
/// its slabs for the next request. Workers are started when every one is busy and end at ``close()``.
final class RequestWorkers: Sendable {
    typealias Request = @Sendable () async -> Void

    private struct State {
        /// Workers waiting for a request, the one that finished last at the end.
        var idle: [UnsafeContinuation<Request?, Never>] = []
        var started = 0
        var closed = false
    }

    private let starter: any TaskStarter
    private let state = Mutex(State())

    init(starter: any TaskStarter) {
        self.starter = starter
    }

    /// How many workers were started so far: the most requests that ran at once.
    var started: Int { state.withLock { $0.started } }

    /// Runs `request` on an idle worker, or on a new one when none is idle.
    func run(_ request: @escaping Request) {
        let (idle, number) = state.withLock { s -> (UnsafeContinuation<Request?, Never>?, Int) in
            precondition(!s.closed, "a request after the workers were closed")
            if let idle = s.idle.popLast() { return (idle, 0) }
            s.started += 1
            return (nil, s.started)
        }
        if let idle { return idle.resume(returning: request) }
        starter.start("request-worker-\(number)") {
            var next: Request? = request
            while let current = next {
                await current()
                next = await self.nextRequest()
            }
        }
    }

    /// Ends the idle workers, and each busy one once its request is done.
    func close() {
        let idle = state.withLock { s in
            s.closed = true
            defer { s.idle.removeAll() }
            return s.idle
        }
        for worker in idle { worker.resume(returning: nil) }
    }

    private func nextRequest() async -> Request? {
        await withUnsafeContinuation { continuation in
            let closed = state.withLock { s in
                if !s.closed { s.idle.append(continuation) }
                return s.closed
            }
            if closed { continuation.resume(returning: nil) }
        }
    }
}
