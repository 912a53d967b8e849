/// Why a chat request was not answered. Each case maps to one HTTP status at the edge.
public enum ChatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A field is wrong (422, naming the field).
    case invalid(field: String, message: String)
    /// No model could answer in time (503).
    case unavailable(ModelManagerError)
    /// The content was refused and no alternative provider was configured (422).
    case rejected(String)
    /// A dependency the operation cannot do without is down (503), e.g. both memory stores for a query.
    case dependencyUnavailable(service: String, reason: String)
    /// A stream broke after tokens were delivered (reported in-band on WebSockets).
    case interrupted(StreamInterruption)
    case cancelled

    public var description: String {
        switch self {
        case .invalid(let field, let message): "\(field): \(message)"
        case .unavailable(let error): "\(error)"
        case .rejected(let message): message
        case .dependencyUnavailable(let service, let reason): "\(service) unavailable: \(reason)"
        case .interrupted(let interruption):
            "stream from \(interruption.provider) interrupted after \(interruption.deliveredTokens) tokens: \(interruption.error)"
        case .cancelled: "cancelled"
        }
    }

    init(_ error: ModelManagerError) {
        switch error {
        case .interrupted(let interruption): self = .interrupted(interruption)
        case .contentRejected(let cause, _): self = .rejected("\(cause)")
        case .invalidRequest(let cause, _): self = .invalid(field: "content", message: "\(cause)")
        case .cancelled: self = .cancelled
        case .noModelAvailable, .deadlineExceeded: self = .unavailable(error)
        }
    }
}
