public import ServiceLifecycle

/// Sends a ``RevoTracer``'s waiting spans every `interval`, and the last ones at graceful shutdown.
public struct TracerFlushService: Service {
    let tracer: RevoTracer
    let interval: Duration

    public init(tracer: RevoTracer, interval: Duration = .seconds(1)) {
        self.tracer = tracer
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await tracer.flush()
        }
        await tracer.flush()
    }
}
