import Synchronization

@testable import RevoSim

/// Collects values appended from simulated tasks, in order.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    func append(_ value: Value) {
        values.withLock { $0.append(value) }
    }

    var all: [Value] {
        values.withLock { $0 }
    }
}

/// Runs `operation` as the single root task of a fresh simulation and returns its result.
func simulate<T: Sendable>(
    _ name: String = "root",
    operation: @escaping @Sendable (SimulationExecutor) async throws -> T
) throws -> T {
    let sim = SimulationExecutor()
    return try sim.runToCompletion(name) { try await operation(sim) }
}
