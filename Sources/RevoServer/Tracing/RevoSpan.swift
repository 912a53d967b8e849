import Synchronization
public import Tracing

/// A span of ``RevoTracer``: recorded until ``end(at:)``, then handed to the tracer once.
public final class RevoSpan: Span, Sendable {
    private struct State {
        var name: String
        var attributes = SpanAttributes()
        var status: SpanStatus?
        var events: [SpanEvent] = []
        var ended = false
    }

    public let context: ServiceContext
    private let kind: SpanKind
    private let identity: SpanIdentity
    private let parent: SpanID?
    private let start: UInt64
    private let tracer: RevoTracer
    private let state: Mutex<State>

    init(
        name: String,
        kind: SpanKind,
        identity: SpanIdentity,
        parent: SpanID?,
        context: ServiceContext,
        start: UInt64,
        tracer: RevoTracer
    ) {
        self.context = context
        self.kind = kind
        self.identity = identity
        self.parent = parent
        self.start = start
        self.tracer = tracer
        self.state = Mutex(State(name: name))
    }

    public var operationName: String {
        get { state.withLock { $0.name } }
        set { state.withLock { $0.name = newValue } }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set { state.withLock { $0.attributes = newValue } }
    }

    public var isRecording: Bool { state.withLock { !$0.ended } }

    public func setStatus(_ status: SpanStatus) {
        state.withLock { $0.status = status }
    }

    public func addEvent(_ event: SpanEvent) {
        state.withLock { $0.events.append(event) }
    }

    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        var attributes = attributes
        attributes["exception.type"] = "\(type(of: error))"
        attributes["exception.message"] = "\(error)"
        addEvent(SpanEvent(name: "exception", at: instant(), attributes: attributes))
    }

    public func addLink(_ link: SpanLink) {}

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let end = instant().nanosecondsSinceEpoch
        guard
            let state = state.withLock({ state -> State? in
                guard !state.ended else { return nil }
                state.ended = true
                return state
            })
        else { return }
        tracer.finished(record(state, end: end))
    }

    private func record(_ state: State, end: UInt64) -> SpanRecord {
        let status = state.status.map { status -> (ok: Bool, message: String?) in (status.code == .ok, status.message) }
        return SpanRecord(
            traceID: identity.traceID,
            spanID: identity.spanID,
            parentSpanID: parent,
            name: state.name,
            kind: Self.kind(kind),
            startUnixNano: start,
            endUnixNano: max(start, end),
            attributes: Self.converted(state.attributes),
            status: status,
            events: state.events.map { event in
                SpanRecord.Event(name: event.name, timeUnixNano: event.nanosecondsSinceEpoch, attributes: Self.converted(event.attributes))
            }
        )
    }

    /// The attributes an exporter can send, sorted by name.
    private static func converted(_ attributes: SpanAttributes) -> [(String, SpanRecord.AttributeValue)] {
        var converted: [(String, SpanRecord.AttributeValue)] = []
        // swift-format-ignore: ReplaceForEachWithForLoop
        attributes.forEach { key, value in
            if let value = Self.value(value) { converted.append((key, value)) }
        }
        return converted.sorted { $0.0 < $1.0 }
    }

    private static func kind(_ kind: SpanKind) -> SpanRecord.Kind {
        switch kind {
        case .server: .server
        case .client: .client
        default: .internal
        }
    }

    private static func value(_ attribute: SpanAttribute) -> SpanRecord.AttributeValue? {
        switch attribute {
        case .int32(let value): .int(Int64(value))
        case .int64(let value): .int(value)
        case .double(let value): .double(value)
        case .bool(let value): .bool(value)
        case .string(let value): .string(value)
        case .stringConvertible(let value): .string(value.description)
        default: nil
        }
    }
}
