public import RevoRuntime

/// RevoCore's background work (re-probes, health loops, engine workers) runs as named simulated tasks.
extension SimulationExecutor: TaskStarter {
    @discardableResult
    public func start(_ name: String, _ operation: sending @escaping () async -> Void) -> Task<Void, Never> {
        spawn(name, operation: operation)
    }
}
