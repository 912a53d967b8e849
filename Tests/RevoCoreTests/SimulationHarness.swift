import Synchronization

@testable import RevoSim

/// Runs `body` as the root task of `sim` until the simulation is idle, and returns what it returned.
func runSimulation<T: Sendable>(_ sim: SimulationExecutor, _ body: @escaping @Sendable () async throws -> T) throws -> T {
    let result = Mutex<Result<T, any Error>?>(nil)
    sim.spawn("test") {
        do {
            let value = try await body()
            result.withLock { $0 = .success(value) }
        } catch {
            result.withLock { $0 = .failure(error) }
        }
    }
    try sim.run()
    guard let outcome = result.withLock({ $0 }) else { throw SimulationError.stalled(at: sim.now, parked: []) }
    return try outcome.get()
}
