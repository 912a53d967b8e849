public import RevoCore
public import ServiceLifecycle

/// Runs a ``RevoSystem`` in a service group: started with the group, shut down (outbox flushed, loops stopped) on
/// graceful shutdown. Listed before the HTTP server, it is shut down after it, so in-flight requests finish first.
public struct RevoSystemService: ServiceLifecycle.Service {
    let system: RevoSystem

    public init(system: RevoSystem) {
        self.system = system
    }

    public func run() async throws {
        await system.start()
        // Waits until the group shuts down (or this task is cancelled), then stops the system.
        try? await gracefulShutdown()
        await system.shutdown()
    }
}
