/// Where finished spans go: an OTLP endpoint in production (RevoDrivers' `OTLPHTTPExporter`), a list in tests.
public protocol SpanExporter: Sendable {
    /// Sends one batch; an error is logged by the caller and the batch dropped (tracing never fails a request).
    func export(_ spans: [SpanRecord]) async throws
}
