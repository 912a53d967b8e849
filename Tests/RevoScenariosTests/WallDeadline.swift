import Synchronization

/// Test guard for work that waits on a peer (a WebSocket close handshake): the work's result,
/// or `fallback()` once `limit` has passed on the wall clock. Late work is cancelled and not waited for, so a peer
/// that never answers cannot hang a run.
func withWallDeadline<T: Sendable>(
    _ limit: Duration,
    run work: @escaping @Sendable () async -> T,
    orElse fallback: @escaping @Sendable () -> T
) async -> T {
    await withCheckedContinuation { continuation in
        let answered = Mutex(false)
        let finish: @Sendable (T) -> Void = { result in
            let first = answered.withLock { done in
                defer { done = true }
                return !done
            }
            if first { continuation.resume(returning: result) }
        }
        let attempt = Task { finish(await work()) }
        Task {
            try? await Task.sleep(for: limit)
            attempt.cancel()
            finish(fallback())
        }
    }
}
