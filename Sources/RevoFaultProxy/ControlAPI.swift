import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore

/// Toxiproxy's REST API over a ``FaultProxy``, so its clients (toxiproxy-cli, toxiproxy-go, toxiproxy-python...) drive
/// this proxy unchanged. Errors are `{"error": "...", "status": N}`, as Toxiproxy sends them.
public enum ControlAPI {
    /// Bodies above this size are refused (413).
    static let maximumBody = 1 << 20

    public static func router(_ proxy: FaultProxy) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("version") { _, _ in try json(["version": FaultProxy.version]) }
        router.post("reset") { _, _ in
            try await run { () throws(ToxicError) in try await proxy.reset() }
            return Response(status: .noContent)
        }
        router.get("proxies") { _, _ in
            let proxies = await proxy.list()
            return try json(Dictionary(uniqueKeysWithValues: proxies.map { ($0.name, $0) }))
        }
        router.post("proxies") { request, context in
            let definition = try await decode(ProxyDefinition.self, request, context)
            return try json(try await run { () throws(ToxicError) in try await proxy.create(definition) }, status: .created)
        }
        router.post("populate") { request, context in
            let definitions = try await decode(PopulateBody.self, request, context).proxies
            let created = try await run { () throws(ToxicError) in try await proxy.populate(definitions) }
            return try json(["proxies": created], status: .created)
        }
        router.get("proxies/:proxy") { _, context in
            let name = try context.parameters.require("proxy")
            return try json(try await run { () throws(ToxicError) in try await proxy.proxy(name) })
        }
        for method in [HTTPRequest.Method.post, .patch] {
            router.on("proxies/:proxy", method: method) { request, context in
                let name = try context.parameters.require("proxy")
                let update = try await decode(ProxyUpdate.self, request, context)
                return try json(try await run { () throws(ToxicError) in try await proxy.update(name, update) })
            }
            router.on("proxies/:proxy/toxics/:toxic", method: method) { request, context in
                let name = try context.parameters.require("proxy")
                let toxic = try context.parameters.require("toxic")
                let update = try await decode(ToxicUpdate.self, request, context)
                return try json(try await run { () throws(ToxicError) in try await proxy.updateToxic(name, toxic, update) })
            }
        }
        router.delete("proxies/:proxy") { _, context in
            let name = try context.parameters.require("proxy")
            try await run { () throws(ToxicError) in try await proxy.delete(name) }
            return Response(status: .noContent)
        }
        router.get("proxies/:proxy/toxics") { _, context in
            let name = try context.parameters.require("proxy")
            return try json(try await run { () throws(ToxicError) in try await proxy.toxics(name) })
        }
        router.post("proxies/:proxy/toxics") { request, context in
            let name = try context.parameters.require("proxy")
            let toxic = try await decode(Toxic.self, request, context)
            return try json(try await run { () throws(ToxicError) in try await proxy.addToxic(name, toxic) })
        }
        router.get("proxies/:proxy/toxics/:toxic") { _, context in
            let name = try context.parameters.require("proxy")
            let toxic = try context.parameters.require("toxic")
            return try json(try await run { () throws(ToxicError) in try await proxy.toxic(name, toxic) })
        }
        router.delete("proxies/:proxy/toxics/:toxic") { _, context in
            let name = try context.parameters.require("proxy")
            let toxic = try context.parameters.require("toxic")
            try await run { () throws(ToxicError) in try await proxy.removeToxic(name, toxic) }
            return Response(status: .noContent)
        }
        return router
    }

    /// `/populate` takes a bare array, as Toxiproxy does, or `{"proxies": [...]}`.
    struct PopulateBody: Decodable {
        var proxies: [ProxyDefinition]

        init(from decoder: any Decoder) throws {
            if let array = try? decoder.singleValueContainer().decode([ProxyDefinition].self) {
                proxies = array
            } else {
                struct Wrapped: Decodable { var proxies: [ProxyDefinition] }
                proxies = try Wrapped(from: decoder).proxies
            }
        }
    }

    /// An error the API answers with.
    struct Failure: HTTPResponseError {
        var status: HTTPResponse.Status
        var message: String

        func response(from request: Request, context: some RequestContext) throws -> Response {
            var response = try json(["error": .string(message), "status": .number(Double(status.code))] as [String: ToxicAttributes.Value])
            response.status = status
            return response
        }
    }

    private static func run<T>(_ body: () async throws(ToxicError) -> T) async throws(Failure) -> T {
        do {
            return try await body()
        } catch {
            throw Failure(status: HTTPResponse.Status(code: error.status), message: error.description)
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: BasicRequestContext) async throws -> T {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumBody)
        } catch {
            throw Failure(status: .contentTooLarge, message: "body larger than \(maximumBody) bytes")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch let error as ToxicError {
            throw Failure(status: HTTPResponse.Status(code: error.status), message: error.description)
        } catch let DecodingError.keyNotFound(key, _) {
            throw Failure(status: .badRequest, message: "missing field '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw Failure(status: .badRequest, message: "field '\(field)' has the wrong type: \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw Failure(status: .badRequest, message: field.isEmpty ? "body is not JSON" : "field '\(field)': \(context.debugDescription)")
        } catch {
            throw Failure(status: .badRequest, message: "body is not valid: \(error)")
        }
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
