import Synchronization

extension SimulationExecutor {
    /// Runs `operation` as a root task until the simulation is idle, and returns its result or rethrows its error;
    /// a simulation that stalls throws ``SimulationError/stalled(at:parked:)``.
    public func runToCompletion<Success: Sendable>(
        _ name: String = "main",
        _ operation: @escaping @Sendable () async throws -> Success
    ) throws -> Success {
        let result = Mutex<Result<Success, any Error>?>(nil)
        spawn(name) {
            do {
                let value = try await operation()
                result.withLock { $0 = .success(value) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
        }
        try run()
        guard let outcome = result.withLock({ $0 }) else { throw SimulationError.stalled(at: now, parked: []) }
        return try outcome.get()
    }
}
