import HTTPTypes
import Synchronization
public import Tracing

/// A swift-distributed-tracing ``Tracer`` that collects finished spans and hands them to a ``SpanExporter`` in
/// batches: when ``batchSize`` spans are waiting, and on ``flush()`` (the server calls it periodically and at
/// shutdown). Propagates W3C `traceparent`, so a caller's trace continues here.
public final class RevoTracer: Tracer, Sendable {
    public typealias Span = RevoSpan

    let exporter: any SpanExporter
    let batchSize: Int
    private let pending = Mutex<[SpanRecord]>([])
    private let onExportError: @Sendable (any Error) -> Void

    public init(exporter: any SpanExporter, batchSize: Int = 256, onExportError: @escaping @Sendable (any Error) -> Void = { _ in }) {
        self.exporter = exporter
        self.batchSize = batchSize
        self.onExportError = onExportError
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> ServiceContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> RevoSpan {
        let parentContext = context()
        let parent = parentContext.revoSpanIdentity
        var random = SystemRandomNumberGenerator()
        let identity = SpanIdentity(
            traceID: parent?.traceID ?? TraceID(high: random.next() | 1, low: random.next()),
            spanID: SpanID(random.next() | 1)
        )
        var spanContext = parentContext
        spanContext.revoSpanIdentity = identity
        return RevoSpan(
            name: operationName,
            kind: kind,
            identity: identity,
            parent: parent?.spanID,
            context: spanContext,
            start: instant().nanosecondsSinceEpoch,
            tracer: self
        )
    }

    public func activeSpan(identifiedBy context: ServiceContext) -> RevoSpan? { nil }

    /// Exports every span waiting; returns when the exporter has answered.
    public func flush() async {
        let batch = pending.withLock { spans in
            defer { spans.removeAll() }
            return spans
        }
        guard !batch.isEmpty else { return }
        do {
            try await exporter.export(batch)
        } catch {
            onExportError(error)
        }
    }

    public func forceFlush() {
        Task { await flush() }
    }

    func finished(_ record: SpanRecord) {
        let full = pending.withLock { spans in
            spans.append(record)
            return spans.count >= batchSize
        }
        if full { forceFlush() }
    }

    // MARK: W3C Trace Context

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: "traceparent", from: carrier) else { return }
        Self.continueTrace(header, into: &context)
    }

    /// Makes spans started from `context` children of the span a `traceparent` header names; a malformed one is ignored.
    public static func continueTrace(_ traceparent: String, into context: inout ServiceContext) {
        let parts = traceparent.split(separator: "-")
        guard parts.count == 4, parts[0] == "00", let trace = TraceID(hex: parts[1]), let span = SpanID(hex: parts[2]) else { return }
        context.revoSpanIdentity = SpanIdentity(traceID: trace, spanID: span)
    }

    public func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let identity = context.revoSpanIdentity else { return }
        injector.inject("00-\(identity.traceID)-\(identity.spanID)-01", forKey: "traceparent", into: &carrier)
    }
}

/// Which trace a context belongs to and which span is current in it.
struct SpanIdentity: Sendable, Hashable {
    var traceID: TraceID
    var spanID: SpanID
}

private enum SpanIdentityKey: ServiceContextKey {
    typealias Value = SpanIdentity
}

extension ServiceContext {
    var revoSpanIdentity: SpanIdentity? {
        get { self[SpanIdentityKey.self] }
        set { self[SpanIdentityKey.self] = newValue }
    }
}

extension HTTPField.Name {
    static let traceparent = Self("traceparent")!
}
