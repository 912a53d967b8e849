import AsyncHTTPClient
import Foundation
import NIOCore
import RevoServer

/// Sends spans to an OpenTelemetry collector over OTLP/HTTP with JSON bodies (`POST {endpoint}/v1/traces`): no gRPC
/// or protobuf in the build.
struct OTLPHTTPExporter: SpanExporter {
    struct ExportError: Error, CustomStringConvertible {
        let status: UInt
        let url: String
        var description: String { "OTLP export to \(url) answered \(status)" }
    }

    let url: String
    let client: HTTPClient
    let timeout: TimeAmount

    /// `endpoint` is the collector's base URL (`http://collector:4318`) or the full traces URL.
    init(endpoint: String, client: HTTPClient, timeout: TimeAmount = .seconds(5)) {
        let trimmed = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.url = trimmed.hasSuffix("/v1/traces") ? trimmed : trimmed + "/v1/traces"
        self.client = client
        self.timeout = timeout
    }

    func export(_ spans: [SpanRecord]) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: OTLPJSON.body(spans, serviceName: "revo", serviceVersion: RevoVersion.current)))
        let response = try await client.execute(request, timeout: timeout)
        _ = try? await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(response.status.code) else { throw ExportError(status: response.status.code, url: url) }
    }
}
