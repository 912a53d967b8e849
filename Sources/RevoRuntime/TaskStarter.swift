/// Starts the background work RevoCore runs beside requests: re-probes, health loops, engine workers.
///
/// An unstructured `Task {}` would escape a simulation's executor (and make runs irreproducible), so RevoCore
/// never creates one itself; it asks the injected starter, which decides where the task runs.
public protocol TaskStarter: Sendable {
    /// Starts `operation` as a named, cancellable task that outlives the caller.
    @discardableResult
    func start(_ name: String, _ operation: sending @escaping () async -> Void) -> Task<Void, Never>
}

/// The production starter: tasks run on Swift's global concurrent executor.
public struct ConcurrentTaskStarter: TaskStarter {
    public init() {}

    @discardableResult
    public func start(_ name: String, _ operation: sending @escaping () async -> Void) -> Task<Void, Never> {
        Task(executorPreference: globalConcurrentExecutor, operation: operation)
    }
}

extension TaskStarter {
    /// Starts a loop that waits `interval` on `clock`, runs `body`, and repeats until cancelled.
    @discardableResult
    public func startPeriodic(
        _ name: String,
        every interval: Duration,
        on clock: SystemClock,
        _ body: @escaping @Sendable () async -> Void
    ) -> Task<Void, Never> {
        start(name) {
            while !Task.isCancelled {
                do {
                    try await clock.sleep(for: interval)
                } catch {
                    return
                }
                await body()
            }
        }
    }
}
