import Logging
import RevoRuntime
import Synchronization

/// Keeps a ``ModelManager``'s circuits in step with a ``SharedBreakerBoard``: publishes the circuits this server
/// opened, adopts those others opened. Run periodically by ``RevoSystem`` when a board is configured.
///
/// An adopted circuit is not published back (it would bounce between servers with its reason growing), and a
/// circuit is published once per opening, not on every tick.
final class BreakerSync: Sendable {
    private let models: ModelManager
    private let board: any SharedBreakerBoard
    private let clock: SystemClock
    private let logger: Logger
    /// Per provider: the `until` last published, and the `until` last adopted.
    private let state = Mutex((published: [ProviderID: Duration](), adopted: [ProviderID: Duration]()))

    init(models: ModelManager, board: any SharedBreakerBoard, clock: SystemClock, logger: Logger) {
        self.models = models
        self.board = board
        self.clock = clock
        self.logger = logger
    }

    func tick() async {
        let now = clock.now
        let local = models.openCircuits(at: now)
        let toPublish = state.withLock { s in
            local.filter { circuit in s.adopted[circuit.provider] != circuit.until && s.published[circuit.provider] != circuit.until }
        }
        for circuit in toPublish {
            do {
                try await board.publish(circuit, now: now)
                state.withLock { $0.published[circuit.provider] = circuit.until }
            } catch {
                logger.debug("shared breaker board unavailable", metadata: ["error": "\(error)"])
                return
            }
        }
        let shared: [OpenCircuit]
        do {
            shared = try await board.open(among: models.providerIDs)
        } catch {
            logger.debug("shared breaker board unavailable", metadata: ["error": "\(error)"])
            return
        }
        for circuit in shared where circuit.until > now {
            let known = state.withLock { s in s.published[circuit.provider] == circuit.until || s.adopted[circuit.provider] == circuit.until }
            guard !known else { continue }
            if models.adopt(circuit, at: now) {
                state.withLock { $0.adopted[circuit.provider] = circuit.until }
                logger.info(
                    "circuit opened by another server",
                    metadata: ["provider": "\(circuit.provider)", "until": "\(circuit.until.formattedSeconds)", "reason": "\(circuit.reason)"]
                )
            }
        }
    }
}
