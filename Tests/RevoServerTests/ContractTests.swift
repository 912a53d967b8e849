import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RevoCore
import RevoRuntime
import Testing

@testable import RevoServer

/// The server keeps the contract in openapi.yaml: every documented operation is called, with answers that succeed
/// and answers that fail, and every response validates against its documented status, headers and schema.
@Suite("API contract")
struct ContractTests {
    struct Call: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var query = ""
        var body: String?
        var authorized = true
        var expected: Int
    }

    static func calls(refreshToken: String) -> [Call] {
        [
            Call(method: .get, path: "/health", authorized: false, expected: 200),
            Call(method: .get, path: "/health/live", authorized: false, expected: 200),
            Call(method: .get, path: "/health/ready", authorized: false, expected: 200),
            Call(method: .get, path: "/metrics", authorized: false, expected: 200),
            Call(method: .get, path: "/openapi.json", authorized: false, expected: 200),
            Call(method: .post, path: "/api/chat", body: #"{"content":"hello","max_tokens":8,"conversation_id":"c1"}"#, expected: 200),
            Call(method: .post, path: "/api/chat", body: #"{"content":"hello"}"#, authorized: false, expected: 401),
            Call(method: .post, path: "/api/chat", body: #"{"content":"hello","mood":"sunny"}"#, expected: 422),
            Call(method: .post, path: "/api/chat", body: #"{"content":"#, expected: 400),
            Call(method: .post, path: "/api/chat", body: #"{"content":""# + String(repeating: "x", count: 70_000) + #""}"#, expected: 413),
            Call(method: .get, path: "/api/models", expected: 200),
            Call(method: .get, path: "/api/models", authorized: false, expected: 401),
            Call(method: .get, path: "/api/memory/stats", expected: 200),
            Call(method: .post, path: "/api/memory/store", body: #"{"content":"the deploy uses blue-green","session_id":"s1"}"#, expected: 201),
            Call(method: .post, path: "/api/memory/store", body: #"{"content":""}"#, expected: 422),
            Call(method: .post, path: "/api/memory/query", body: #"{"query":"deploy","limit":3}"#, expected: 200),
            Call(method: .post, path: "/api/memory/query", body: #"{"query":"deploy","limit":0}"#, expected: 422),
            Call(method: .get, path: "/api/memory/health", expected: 200),
            Call(method: .get, path: "/engines/status", expected: 200),
            Call(method: .post, path: "/engines/execute", body: #"{"description":"plan a deploy","strategy":"parallel"}"#, expected: 200),
            Call(method: .post, path: "/engines/execute", body: #"{"description":"plan","strategy":"random"}"#, expected: 422),
            Call(method: .get, path: "/ws/chat", expected: 426),
            Call(
                method: .post,
                path: "/auth/register",
                body: #"{"username":"contract","password":"correct horse"}"#,
                authorized: false,
                expected: 201
            ),
            Call(
                method: .post,
                path: "/auth/register",
                body: #"{"username":"contract","password":"correct horse"}"#,
                authorized: false,
                expected: 409
            ),
            Call(method: .post, path: "/auth/register", body: #"{"username":"contract2","password":"short"}"#, authorized: false, expected: 422),
            Call(method: .post, path: "/auth/login", body: #"{"username":"contract","password":"correct horse"}"#, authorized: false, expected: 200),
            Call(method: .post, path: "/auth/login", body: #"{"username":"contract","password":"wrong horse!"}"#, authorized: false, expected: 401),
            Call(method: .post, path: "/auth/refresh", body: #"{"refresh_token":"\#(refreshToken)"}"#, authorized: false, expected: 200),
            Call(method: .post, path: "/auth/refresh", body: #"{"refresh_token":"not.a.token"}"#, authorized: false, expected: 401),
            Call(method: .get, path: "/auth/me", expected: 200),
            Call(method: .get, path: "/auth/me", authorized: false, expected: 401),
        ]
    }

    @Test("every operation answers as documented, successes and errors alike, and every operation is exercised")
    func responsesKeepTheContract() async throws {
        let system = await ServerTests.system()
        let users = InMemoryUserStore()
        _ = try users.create(TestAuth.user)
        let router = RevoApplication.router(
            system: system,
            authentication: await TestAuth.authentication(users: users),
            configuration: ServerConfiguration(requestsPerMinute: 10_000),
            clock: SystemClock(ContinuousClock())
        )
        let validator = try ContractValidator(providers: system.models.statuses().map(\.id.rawValue))
        let pair = try await TokenService(secret: TestAuth.secret).issue(userID: TestAuth.user.id, username: TestAuth.user.username)
        let authorization = await TestAuth.headers()
        try await Application(router: router).test(.router) { client in
            var exercised = Set<String>()
            for call in Self.calls(refreshToken: pair.refreshToken) {
                var headers: HTTPFields = call.authorized ? authorization : [:]
                if call.body != nil { headers[.contentType] = "application/json" }
                try await client.execute(
                    uri: call.path + call.query,
                    method: call.method,
                    headers: headers,
                    body: call.body.map { ByteBuffer(string: $0) }
                ) { response in
                    #expect(Int(response.status.code) == call.expected, "\(call.method) \(call.path): \(String(buffer: response.body))")
                    let problems = validator.problems(method: call.method.rawValue, path: call.path, response)
                    #expect(problems.isEmpty, "\(problems)")
                }
                exercised.insert("\(call.method.rawValue.lowercased()) \(call.path)")
            }
            let documented = Set(OpenAPIDocument.operations.map { "\($0.method) \($0.path)" })
            #expect(exercised == documented)
        }
        await system.shutdown()
    }

    @Test("429 and 503 answers keep the contract too")
    func limitsAndOutages() async throws {
        let system = await ServerTests.system(databaseDown: true)
        let validator = try ContractValidator(providers: system.models.statuses().map(\.id.rawValue))
        let authorization = await TestAuth.headers()
        try await ServerTests.app(system, requestsPerMinute: 1).test(.router) { client in
            for (path, status) in [("/health/ready", 503), ("/api/models", 200), ("/api/models", 429)] {
                try await client.execute(uri: path, method: .get, headers: authorization) { response in
                    #expect(Int(response.status.code) == status)
                    let problems = validator.problems(method: "get", path: path, response)
                    #expect(problems.isEmpty, "\(problems)")
                }
            }
        }
        await system.shutdown()
    }

    @Test("the validator fails a response that breaks the schema")
    func validatorCanFail() throws {
        let validator = try ContractValidator(providers: ["mock"])
        let broken = Data(#"{"status":"alive","extra":1}"#.utf8)
        #expect(
            !validator.problems(
                method: "get",
                path: "/health/live",
                status: 200,
                headers: ["content-type": "application/json", "x-request-id": "r"],
                body: broken
            )
            .isEmpty
        )
        let wrongType = Data(#"{"id":"m1","durability":3}"#.utf8)
        #expect(
            !validator.problems(
                method: "post",
                path: "/api/memory/store",
                status: 201,
                headers: ["content-type": "application/json", "x-request-id": "r"],
                body: wrongType
            )
            .isEmpty
        )
        #expect(!validator.problems(method: "get", path: "/health/live", status: 418, headers: [:], body: Data()).isEmpty)
        #expect(
            !validator.problems(
                method: "get",
                path: "/health/live",
                status: 200,
                headers: ["content-type": "application/json"],
                body: Data(#"{"status":"alive"}"#.utf8)
            ).isEmpty
        )
        #expect(
            validator.problems(
                method: "get",
                path: "/health/live",
                status: 200,
                headers: ["content-type": "application/json", "x-request-id": "r"],
                body: Data(#"{"status":"alive"}"#.utf8)
            ).isEmpty
        )
    }
}
