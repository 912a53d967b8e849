import RevoCore
import RevoScenarios
import RevoServer
import Synchronization

/// The system's events in a live run, read from what the server publishes: each provider's circuit in
/// `GET /api/models` and the replayed writes in `GET /api/memory/stats`, compared sample to sample.
final class LiveSystemEvents: Sendable {
    private struct State {
        var circuits: [String: String] = [:]
        var replayed: Int?
        var events: [(at: Duration, event: SystemEvent)] = []
    }

    private let state = Mutex(State())

    /// Reads one sample of both answers, taken at `at`.
    func sample(models: JSONValue?, memory: JSONValue?, at: Duration) {
        state.withLock { s in
            for provider in models?["providers"]?.array ?? [] {
                guard let id = provider["id"]?.string, let circuit = provider["circuit"]?.string else { continue }
                let before = s.circuits[id] ?? "closed"
                s.circuits[id] = circuit
                if circuit == "open", before != "open" {
                    s.events.append((at, .circuitOpened(ProviderID(id), reason: provider["reason"]?.string ?? "")))
                } else if circuit == "closed", before != "closed" {
                    s.events.append((at, .circuitClosed(ProviderID(id))))
                }
            }
            if let replayed = memory?["replayed_writes"]?.int {
                if let earlier = s.replayed, replayed > earlier { s.events.append((at, .outboxReplayed(writes: replayed - earlier))) }
                s.replayed = replayed
            }
        }
    }

    var all: [(at: Duration, event: SystemEvent)] { state.withLock { $0.events } }
}
