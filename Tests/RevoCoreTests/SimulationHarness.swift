@testable import RevoSim

/// Runs `body` as the root task of `sim` until the simulation is idle, and returns what it returned.
func runSimulation<T: Sendable>(_ sim: SimulationExecutor, _ body: @escaping @Sendable () async throws -> T) throws -> T {
    try sim.runToCompletion("test", body)
}
