/// What the system did that no client sees: a provider's circuit opened or closed, the memory outbox replayed. The
/// scenario runner listens, so a scenario can assert that a path was taken; a server has no listener by default.
public enum SystemEvent: Sendable, Equatable {
    case circuitOpened(ProviderID, reason: String)
    case circuitClosed(ProviderID)
    case outboxReplayed(writes: Int)

    /// The provider it concerns, if any.
    public var provider: ProviderID? {
        switch self {
        case .circuitOpened(let id, _), .circuitClosed(let id): id
        case .outboxReplayed: nil
        }
    }
}

/// Receives ``SystemEvent``s as they happen; must return quickly (it is called on the request path).
public protocol SystemEventSink: Sendable {
    func record(_ event: SystemEvent)
}
