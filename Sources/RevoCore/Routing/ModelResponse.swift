/// A complete answer from the model manager.
public struct ModelResponse: Sendable, Equatable {
    public var text: String
    public var provider: ProviderID
    public var providerKind: ProviderKind
    public var usage: TokenUsage
    public var costUSD: Double
    /// From the start of the request to the last token.
    public var latency: Duration
    /// From the start of the request to the first token of the answer that was kept.
    public var timeToFirstToken: Duration?
    public var trace: DecisionTrace
}

/// What a streaming client had received when its stream broke.
public struct StreamInterruption: Sendable, Equatable {
    public var provider: ProviderID
    /// Exactly the tokens already handed to the client; nothing is sent twice, nothing is silently dropped.
    public var deliveredText: String
    public var deliveredTokens: Int
    public var error: ProviderError
    public var trace: DecisionTrace
}

/// Why the model manager could not answer.
public enum ModelManagerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every provider was skipped or failed (503 at the edge).
    case noModelAvailable(DecisionTrace)
    /// The request's deadline passed before any provider answered (503 at the edge).
    case deadlineExceeded(DecisionTrace)
    /// A provider refused the content and no alternative was configured (422 at the edge).
    case contentRejected(ProviderError, DecisionTrace)
    /// The request is malformed for every provider (400 at the edge).
    case invalidRequest(ProviderError, DecisionTrace)
    /// A stream failed after tokens were delivered.
    case interrupted(StreamInterruption)
    /// The caller went away.
    case cancelled

    public var trace: DecisionTrace? {
        switch self {
        case .noModelAvailable(let trace), .deadlineExceeded(let trace), .contentRejected(_, let trace), .invalidRequest(_, let trace):
            trace
        case .interrupted(let interruption):
            interruption.trace
        case .cancelled:
            nil
        }
    }

    public var description: String {
        switch self {
        case .noModelAvailable(let trace):
            "no model available: " + (trace.summary.isEmpty ? "no provider configured" : trace.summary.joined(separator: "; "))
        case .deadlineExceeded(let trace):
            "no model answered before the request deadline: " + trace.summary.joined(separator: "; ")
        case .contentRejected(let error, _):
            "rejected: \(error)"
        case .invalidRequest(let error, _):
            "\(error)"
        case .interrupted(let interruption):
            "stream from \(interruption.provider) interrupted after \(interruption.deliveredTokens) tokens: \(interruption.error)"
        case .cancelled:
            "cancelled"
        }
    }
}
