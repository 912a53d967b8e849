/// A finished span as an exporter sends it: ids, name, kind, times, attributes, status and events.
public struct SpanRecord: Sendable, Equatable {
    public enum Kind: Int, Sendable {
        case `internal` = 1
        case server = 2
        case client = 3
    }

    public enum AttributeValue: Sendable, Equatable {
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)
    }

    public struct Event: Sendable, Equatable {
        public var name: String
        public var timeUnixNano: UInt64
        public var attributes: [(String, AttributeValue)]

        public static func == (lhs: Event, rhs: Event) -> Bool {
            lhs.name == rhs.name && lhs.timeUnixNano == rhs.timeUnixNano && lhs.attributes.elementsEqual(rhs.attributes) { $0 == $1 }
        }
    }

    public var traceID: TraceID
    public var spanID: SpanID
    public var parentSpanID: SpanID?
    public var name: String
    public var kind: Kind
    public var startUnixNano: UInt64
    public var endUnixNano: UInt64
    /// In the order they were set.
    public var attributes: [(String, AttributeValue)]
    /// Nil while unset; otherwise ok or an error with its message.
    public var status: (ok: Bool, message: String?)?
    public var events: [Event]

    public static func == (lhs: SpanRecord, rhs: SpanRecord) -> Bool {
        lhs.traceID == rhs.traceID && lhs.spanID == rhs.spanID && lhs.parentSpanID == rhs.parentSpanID && lhs.name == rhs.name
            && lhs.kind == rhs.kind && lhs.startUnixNano == rhs.startUnixNano && lhs.endUnixNano == rhs.endUnixNano
            && lhs.attributes.elementsEqual(rhs.attributes) { $0 == $1 } && lhs.status?.ok == rhs.status?.ok
            && lhs.status?.message == rhs.status?.message && lhs.events == rhs.events
    }
}

/// A 16-byte trace id, written as 32 lowercase hexadecimal digits (W3C Trace Context and OTLP/JSON).
public struct TraceID: Sendable, Hashable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public init?(hex: some StringProtocol) {
        guard hex.count == 32, let high = UInt64(hex.prefix(16), radix: 16), let low = UInt64(hex.suffix(16), radix: 16),
            high | low != 0
        else { return nil }
        self.init(high: high, low: low)
    }

    public var description: String { hex16(high) + hex16(low) }
}

/// An 8-byte span id, written as 16 lowercase hexadecimal digits.
public struct SpanID: Sendable, Hashable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    public init?(hex: some StringProtocol) {
        guard hex.count == 16, let value = UInt64(hex, radix: 16), value != 0 else { return nil }
        self.value = value
    }

    public var description: String { hex16(value) }
}

private func hex16(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}
