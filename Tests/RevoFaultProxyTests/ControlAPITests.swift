import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import RevoFaultProxy

/// The control API speaks Toxiproxy's shapes and status codes, so its clients work unchanged.
struct ControlAPITests {
    func withAPI(_ body: @escaping @Sendable (any TestClientProtocol, FaultProxy) async throws -> Void) async throws {
        let echo = try await EchoServer.start()
        let proxy = FaultProxy(seed: 3)
        let app = Application(router: ControlAPI.router(proxy))
        try await app.test(.router) { client in try await body(client, proxy) }
        await proxy.shutdown()
        await echo.stop()
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
    }

    @Test func proxiesAndToxicsFollowToxiproxysShapes() async throws {
        let echo = try await EchoServer.start()
        try await withAPI { client, _ in
            let create = #"{"name":"redis","listen":"127.0.0.1:0","upstream":"127.0.0.1:\#(echo.port)"}"#
            try await client.execute(uri: "/proxies", method: .post, body: ByteBuffer(string: create)) { response in
                #expect(response.status == .created)
                let body = try json(response)
                #expect(body["name"] as? String == "redis")
                #expect(body["enabled"] as? Bool == true)
                #expect((body["listen"] as? String)?.hasSuffix(":0") == false)
            }
            try await client.execute(uri: "/proxies", method: .post, body: ByteBuffer(string: create)) { response in
                #expect(response.status == .conflict)
                let error = try json(response)
                #expect(error["error"] as? String == "proxy already exists: redis")
                #expect(error["status"] as? Int == 409)
            }
            let toxic = #"{"type":"latency","attributes":{"latency":100,"jitter":10}}"#
            try await client.execute(uri: "/proxies/redis/toxics", method: .post, body: ByteBuffer(string: toxic)) { response in
                #expect(response.status == .ok)
                let body = try json(response)
                #expect(body["name"] as? String == "latency_downstream")
                #expect(body["stream"] as? String == "downstream")
                #expect(body["toxicity"] as? Double == 1)
            }
            let update = #"{"attributes":{"latency":250}}"#
            try await client.execute(uri: "/proxies/redis/toxics/latency_downstream", method: .post, body: ByteBuffer(string: update)) {
                let attributes = try json($0)["attributes"] as? [String: Any]
                #expect(attributes?["latency"] as? Int == 250)
                #expect(attributes?["jitter"] as? Int == 10)
            }
            try await client.execute(uri: "/proxies", method: .get) { response in
                let body = try json(response)
                let redis = body["redis"] as? [String: Any]
                #expect((redis?["toxics"] as? [Any])?.count == 1)
            }
            try await client.execute(uri: "/proxies/redis", method: .post, body: ByteBuffer(string: #"{"enabled":false}"#)) {
                let reply = try json($0)
                #expect(reply["enabled"] as? Bool == false)
            }
            try await client.execute(uri: "/reset", method: .post) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/proxies/redis", method: .get) { response in
                let body = try json(response)
                #expect(body["enabled"] as? Bool == true)
                #expect((body["toxics"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/proxies/redis/toxics/latency_downstream", method: .delete) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/proxies/redis", method: .delete) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/proxies/redis", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/version", method: .get) { response in
                let version = try json(response)["version"] as? String
                #expect(version == FaultProxy.version)
            }
        }
        await echo.stop()
    }

    @Test func populateCreatesFromABareArray() async throws {
        let echo = try await EchoServer.start()
        try await withAPI { client, proxy in
            let body =
                #"[{"name":"a","listen":"127.0.0.1:0","upstream":"127.0.0.1:\#(echo.port)"},"#
                + #"{"name":"b","listen":"127.0.0.1:0","upstream":"127.0.0.1:\#(echo.port)","enabled":false}]"#
            try await client.execute(uri: "/populate", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created)
                let proxies = try json(response)["proxies"] as? [Any]
                #expect(proxies?.count == 2)
            }
            #expect(await proxy.list().map(\.name) == ["a", "b"])
            #expect(try await proxy.proxy("b").enabled == false)
        }
        await echo.stop()
    }

    @Test func badRequestsNameWhatIsWrong() async throws {
        try await withAPI { client, _ in
            try await client.execute(uri: "/proxies", method: .post, body: ByteBuffer(string: #"{"name":"x"}"#)) { response in
                #expect(response.status == .badRequest)
                let reply = try json(response)
                #expect(reply["error"] as? String == "missing field 'upstream'")
            }
            try await client.execute(uri: "/proxies", method: .post, body: ByteBuffer(string: #"{"name":"x","upstream":"nowhere"}"#)) {
                #expect($0.status == .badRequest)
                let reply = try json($0)
                #expect(reply["error"] as? String == "field 'upstream' must be host:port, got 'nowhere'")
            }
            try await client.execute(uri: "/proxies", method: .post, body: ByteBuffer(string: "{")) {
                #expect($0.status == .badRequest)
                let reply = try json($0)
                #expect(reply["error"] as? String == "body is not JSON")
            }
            try await client.execute(uri: "/proxies/none/toxics", method: .post, body: ByteBuffer(string: #"{"type":"down"}"#)) {
                #expect($0.status == .notFound)
                let reply = try json($0)
                #expect(reply["error"] as? String == "proxy not found: none")
            }
        }
    }
}
