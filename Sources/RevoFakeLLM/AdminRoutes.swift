import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RevoSim

/// The admin API of `revo fake-llm`: change the physics and faults while it runs, read what it served.
///
/// `GET|PUT|PATCH /admin/config`, `POST|DELETE /admin/faults`, `GET /admin/stats`. JSON in snake_case.
enum AdminRoutes {
    struct Refusal: HTTPResponseError {
        var status: HTTPResponse.Status
        var message: String

        func response(from request: Request, context: some RequestContext) throws -> Response {
            var response = ServerSentEvents.json(["error": ["message": message]]).response
            response.status = status
            return response
        }
    }

    static func add(to router: Router<BasicRequestContext>, _ upstream: FakeUpstream) {
        router.get("admin/config") { _, _ in try encode(masked(upstream.settings)) }
        for method in [HTTPRequest.Method.put, .patch] {
            router.on("admin/config", method: method) { request, _ in
                let update = try await decode(FakeLLMSettings.Update.self, request)
                let settings: FakeLLMSettings
                do throws(FakeLLMError) {
                    settings = try upstream.update(update)
                } catch {
                    throw Refusal(status: .badRequest, message: error.description)
                }
                return try encode(masked(settings))
            }
        }
        router.post("admin/faults") { request, _ in
            let fault = try await decode(FakeLLMFault.self, request)
            let spec: FaultSpec
            do throws(FakeLLMError) {
                spec = try upstream.addFault(fault)
            } catch {
                throw Refusal(status: .badRequest, message: error.description)
            }
            var response = try encode(["id": spec.id, "summary": spec.summary])
            response.status = .created
            return response
        }
        router.delete("admin/faults") { _, _ in
            upstream.clearFaults()
            return Response(status: .noContent)
        }
        router.get("admin/stats") { _, _ in try encode(upstream.statistics) }
    }

    /// The key never leaves the process: the config shows only whether one is set.
    static func masked(_ settings: FakeLLMSettings) -> FakeLLMSettings {
        var copy = settings
        if copy.apiKey != nil { copy.apiKey = "***" }
        return copy
    }

    static func encode(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return ByteBuffer(bytes: try encoder.encode(value)).response
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let body = try await request.body.collect(upTo: 1 << 20)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(T.self, from: Data(body.readableBytesView))
        } catch DecodingError.keyNotFound(let key, _) {
            throw Refusal(status: .badRequest, message: "missing field '\(key.stringValue)'")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            throw Refusal(status: .badRequest, message: "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type")
        } catch {
            throw Refusal(status: .badRequest, message: "the body is not valid JSON")
        }
    }
}
