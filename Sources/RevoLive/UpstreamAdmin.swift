import AsyncHTTPClient
import Foundation
import NIOCore
import RevoFakeLLM
import RevoScenarios

/// The admin API of one `revo fake-llm` the live run started: where provider faults are injected and counted.
struct UpstreamAdmin: Sendable {
    let http: HTTPClient
    let baseURL: String

    func add(_ fault: FakeLLMFault) async throws(LiveError) {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var request = HTTPClientRequest(url: baseURL + "/admin/faults")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        do {
            request.body = .bytes(ByteBuffer(bytes: try encoder.encode(fault)))
            let response = try await http.execute(request, timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 20)
            guard response.status.code == 201 else { throw LiveError("HTTP \(response.status.code): \(String(buffer: body))") }
        } catch let error as LiveError {
            throw LiveError("fake-llm at \(baseURL) refused fault \(fault.id ?? fault.kind): \(error)")
        } catch {
            throw LiveError("fake-llm at \(baseURL) did not take fault \(fault.id ?? fault.kind): \(error)")
        }
    }

    /// How often each fault fired, by the id it was added with.
    func fired() async -> [String: Int] {
        var request = HTTPClientRequest(url: baseURL + "/admin/stats")
        request.method = .GET
        guard let response = try? await http.execute(request, timeout: .seconds(5)),
            let body = try? await response.body.collect(upTo: 4 << 20)
        else { return [:] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let statistics = try? decoder.decode(FakeUpstream.Statistics.self, from: Data(body.readableBytesView))
        return Dictionary((statistics?.faults ?? []).map { ($0.id, $0.fired) }, uniquingKeysWith: +)
    }
}
