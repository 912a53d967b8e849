public import RevoCore

/// How a fake provider's stream goes wrong after its first tokens, beyond a dropped connection: each is a way
/// gateways were reported to mishandle upstreams. The simulation sees the provider error each stands for; `revo
/// fake-llm` writes it on the wire (an error event inside a 200 stream, an event that is not JSON).
public struct StreamFault: Error, Sendable, Equatable, ProviderErrorConvertible {
    public enum Form: String, Sendable, Equatable, CaseIterable {
        /// HTTP 200, then an error event in the stream.
        case errorEvent = "error_event"
        /// An event whose data is not JSON.
        case malformedEvent = "malformed_event"
    }

    public var form: Form
    public var afterTokens: Int

    public init(form: Form, afterTokens: Int) {
        self.form = form
        self.afterTokens = afterTokens
    }

    /// What the HTTP driver maps the wire form to: the stream failed on the upstream's side, after some tokens.
    public var providerError: ProviderError {
        switch form {
        case .errorEvent: .serverError(status: 502, message: "stream error after \(afterTokens) tokens: injected error event")
        case .malformedEvent: .serverError(status: 502, message: "stream error after \(afterTokens) tokens: malformed event")
        }
    }
}
