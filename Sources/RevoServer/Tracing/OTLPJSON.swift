public import Foundation

/// Spans as an OTLP/HTTP JSON body (`ExportTraceServiceRequest`): ids in hexadecimal, 64-bit integers as strings,
/// enums as numbers, as the OTLP specification's JSON encoding writes them.
public enum OTLPJSON {
    public static func body(_ spans: [SpanRecord], serviceName: String, serviceVersion: String) -> Data {
        let request: [String: Any] = [
            "resourceSpans": [
                [
                    "resource": ["attributes": attributes([("service.name", .string(serviceName)), ("service.version", .string(serviceVersion))])],
                    "scopeSpans": [
                        [
                            "scope": ["name": "revo", "version": serviceVersion],
                            "spans": spans.map(span),
                        ]
                    ],
                ]
            ]
        ]
        return (try? JSONSerialization.data(withJSONObject: request, options: [.sortedKeys])) ?? Data()
    }

    private static func span(_ span: SpanRecord) -> [String: Any] {
        var json: [String: Any] = [
            "traceId": span.traceID.description,
            "spanId": span.spanID.description,
            "name": span.name,
            "kind": span.kind.rawValue,
            "startTimeUnixNano": String(span.startUnixNano),
            "endTimeUnixNano": String(span.endUnixNano),
            "attributes": attributes(span.attributes),
        ]
        if let parent = span.parentSpanID { json["parentSpanId"] = parent.description }
        if let status = span.status {
            // STATUS_CODE_OK = 1, STATUS_CODE_ERROR = 2.
            json["status"] = ["code": status.ok ? 1 : 2, "message": status.message ?? ""]
        }
        if !span.events.isEmpty {
            json["events"] = span.events.map { event in
                ["name": event.name, "timeUnixNano": String(event.timeUnixNano), "attributes": attributes(event.attributes)] as [String: Any]
            }
        }
        return json
    }

    private static func attributes(_ attributes: [(String, SpanRecord.AttributeValue)]) -> [[String: Any]] {
        attributes.map { key, value in
            let any: [String: Any] =
                switch value {
                case .string(let text): ["stringValue": text]
                case .int(let number): ["intValue": String(number)]
                case .double(let number): ["doubleValue": number]
                case .bool(let flag): ["boolValue": flag]
                }
            return ["key": key, "value": any]
        }
    }
}
