import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RevoCore
import RevoRuntime
import RevoServer
import Synchronization
import Testing

@Suite("Authentication")
struct AuthTests {
    static func app(
        _ system: RevoSystem,
        users: any UserStore = InMemoryUserStore(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) async
        -> some ApplicationProtocol
    {
        Application(
            router: RevoApplication.router(
                system: system,
                authentication: await TestAuth.authentication(users: users, now: now),
                configuration: ServerConfiguration(requestsPerMinute: 10_000),
                clock: SystemClock(ContinuousClock())
            )
        )
    }

    static func credentials(_ username: String, _ password: String) -> ByteBuffer {
        ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)"}"#)
    }

    static func bearer(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)"]
    }

    @Test("register answers 201 with tokens; the same name in another case is 409; login and /auth/me work")
    func registerAndLogin() async throws {
        let system = await ServerTests.system()
        try await Self.app(system).test(.router) { client in
            let access = try await client.execute(uri: "/auth/register", method: .post, body: Self.credentials("Ada", "correct horse")) { response in
                #expect(response.status == .created)
                let body = ServerTests.json(response.body)
                #expect(body["token_type"] as? String == "bearer")
                #expect(body["expires_in"] as? Int == 1800)
                #expect((body["user"] as? [String: Any])?["username"] as? String == "Ada")
                return body["access_token"] as? String ?? ""
            }
            try await client.execute(uri: "/auth/register", method: .post, body: Self.credentials("ada", "another password")) { response in
                #expect(response.status == .conflict)
                #expect(ServerTests.error(response.body)["field"] as? String == "username")
            }
            try await client.execute(uri: "/auth/login", method: .post, body: Self.credentials("ADA", "correct horse")) { response in
                #expect(response.status == .ok)
                #expect(ServerTests.json(response.body)["refresh_token"] is String)
            }
            try await client.execute(uri: "/auth/me", method: .get, headers: Self.bearer(access)) { response in
                #expect(response.status == .ok)
                #expect(ServerTests.json(response.body)["username"] as? String == "Ada")
            }
        }
        await system.shutdown()
    }

    @Test(
        "registration names the field that is wrong",
        arguments: [
            ("ab", "long enough", "username"),
            ("has space", "long enough", "username"),
            ("ada", "short", "password"),
            ("ada", String(repeating: "p", count: 257), "password"),
            // Letters of other scripts look like Latin ones: names are ASCII.
            ("аdа", "long enough", "username"),
        ]
    )
    func registrationValidation(username: String, password: String, field: String) async throws {
        let system = await ServerTests.system()
        try await Self.app(system).test(.router) { client in
            try await client.execute(uri: "/auth/register", method: .post, body: Self.credentials(username, password)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(ServerTests.error(response.body)["field"] as? String == field)
            }
        }
        await system.shutdown()
    }

    @Test("a password past bcrypt's 72 bytes counts in full: one differing only at its end does not log in")
    func longPasswords() async throws {
        let system = await ServerTests.system()
        let long = String(repeating: "é", count: 100)
        try await Self.app(system).test(.router) { client in
            try await client.execute(uri: "/auth/register", method: .post, body: Self.credentials("longpass", long + "a")) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: "/auth/login", method: .post, body: Self.credentials("longpass", long + "a")) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/auth/login", method: .post, body: Self.credentials("longpass", long + "b")) {
                #expect($0.status == .unauthorized)
            }
        }
        await system.shutdown()
    }

    @Test("a wrong password and an unknown user get the same 401, so accounts cannot be probed")
    func badCredentials() async throws {
        let system = await ServerTests.system()
        try await Self.app(system).test(.router) { client in
            _ = try await client.execute(uri: "/auth/register", method: .post, body: Self.credentials("ada", "correct horse")) { $0.status }
            let wrong = try await client.execute(uri: "/auth/login", method: .post, body: Self.credentials("ada", "wrong horse")) {
                ($0.status, ServerTests.error($0.body)["message"] as? String)
            }
            let unknown = try await client.execute(uri: "/auth/login", method: .post, body: Self.credentials("bob", "wrong horse")) {
                ($0.status, ServerTests.error($0.body)["message"] as? String)
            }
            #expect(wrong.0 == .unauthorized)
            #expect(wrong.0 == unknown.0 && wrong.1 == unknown.1)
        }
        await system.shutdown()
    }

    @Test("a protected route without a token is 401 with a Bearer challenge")
    func missingToken() async throws {
        let system = await ServerTests.system()
        try await Self.app(system).test(.router) { client in
            try await client.execute(uri: "/api/models", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(ServerTests.error(response.body)["code"] as? String == "missing_token")
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
            try await client.execute(uri: "/api/models", method: .get, headers: [.authorization: "Basic abc"]) { response in
                #expect(response.status == .unauthorized)
                #expect(ServerTests.error(response.body)["code"] as? String == "invalid_token")
            }
        }
        await system.shutdown()
    }

    @Test("the scheme is matched in any case and spaces around the two words do not matter; other shapes are 401")
    func bearerHeaderShapes() async throws {
        let system = await ServerTests.system()
        try await Self.app(system).test(.router) { client in
            let token = try await client.execute(uri: "/auth/register", method: .post, body: Self.credentials("grace", "correct horse")) {
                ServerTests.json($0.body)["access_token"] as? String ?? ""
            }
            for header in ["Bearer \(token)", "bearer \(token)", "  BEARER   \(token)  "] {
                try await client.execute(uri: "/api/models", method: .get, headers: [.authorization: header]) { response in
                    #expect(response.status == .ok, "\(header)")
                }
            }
            for header in ["Bearer", "Bearer \(token) extra", "Token \(token)", "Bearer\t\(token)"] {
                try await client.execute(uri: "/api/models", method: .get, headers: [.authorization: header]) { response in
                    #expect(response.status == .unauthorized, "\(header)")
                    #expect(ServerTests.error(response.body)["code"] as? String == "invalid_token", "\(header)")
                }
            }
        }
        await system.shutdown()
    }

    @Test("an expired access token is 401 token_expired; a refresh token still renews until it expires too")
    func expired() async throws {
        let system = await ServerTests.system()
        // Tokens issued 31 minutes ago: the access token has lapsed, the refresh token has not.
        let past = await TokenService(secret: TestAuth.secret, now: { Date().addingTimeInterval(-31 * 60) })
        let old = try await past.issue(userID: "user-1", username: "ada")
        let users = InMemoryUserStore()
        _ = try users.create(StoredUser(id: "user-1", username: "ada", passwordHash: "x", createdAt: .zero))
        try await Self.app(system, users: users).test(.router) { client in
            try await client.execute(uri: "/api/models", method: .get, headers: Self.bearer(old.accessToken)) { response in
                #expect(response.status == .unauthorized)
                #expect(ServerTests.error(response.body)["code"] as? String == "token_expired")
            }
            try await client.execute(
                uri: "/auth/refresh",
                method: .post,
                body: ByteBuffer(string: #"{"refresh_token":"\#(old.refreshToken)"}"#)
            ) { response in
                #expect(response.status == .ok)
            }
        }
        let ancient = try await TokenService(secret: TestAuth.secret, now: { Date().addingTimeInterval(-8 * 24 * 3600) })
            .issue(userID: "user-1", username: "ada")
        await #expect(throws: AuthError.expired) { try await past.verify(ancient.refreshToken, as: .refresh) }
        await system.shutdown()
    }

    @Test("a tampered token, another secret's token and alg none are all refused with the reason")
    func forged() async throws {
        let service = await TokenService(secret: TestAuth.secret)
        let pair = try await service.issue(userID: "user-1", username: "ada")
        let parts = pair.accessToken.split(separator: ".").map(String.init)

        // Claim to be someone else, keeping the original signature.
        let claims = try JSONSerialization.jsonObject(with: Self.base64URLDecode(parts[1])) as? [String: Any] ?? [:]
        var forgedClaims = claims
        forgedClaims["sub"] = "user-admin"
        let tampered = [parts[0], Self.base64URL(try JSONSerialization.data(withJSONObject: forgedClaims)), parts[2]].joined(separator: ".")
        await #expect(throws: AuthError.badSignature) { try await service.verify(tampered, as: .access) }

        let otherSecret = await TokenService(secret: try JWTSecret(Array(repeating: 42, count: 32)))
        let foreign = try await otherSecret.issue(userID: "user-1", username: "ada")
        await #expect(throws: AuthError.badSignature) { try await service.verify(foreign.accessToken, as: .access) }

        for alg in ["none", "None", "HS512", "RS256"] {
            let header = Self.base64URL(Data(#"{"alg":"\#(alg)","typ":"JWT"}"#.utf8))
            await #expect(throws: AuthError.wrongAlgorithm(alg)) { try await service.verify("\(header).\(parts[1]).", as: .access) }
        }
        await #expect(throws: AuthError.wrongKind(expected: "access", got: "refresh")) { try await service.verify(pair.refreshToken, as: .access) }
        await #expect(throws: AuthError.malformedToken("expected three dot-separated parts, got 1")) {
            try await service.verify("garbage", as: .access)
        }

        let system = await ServerTests.system()
        let none = Self.base64URL(Data(#"{"alg":"none"}"#.utf8)) + ".\(parts[1])."
        try await Self.app(system).test(.router) { client in
            try await client.execute(uri: "/api/models", method: .get, headers: Self.bearer(none)) { response in
                #expect(response.status == .unauthorized)
                #expect((ServerTests.error(response.body)["message"] as? String)?.contains("'none' is not accepted") == true)
            }
            try await client.execute(uri: "/api/models", method: .get, headers: Self.bearer(tampered)) { response in
                #expect(response.status == .unauthorized)
                #expect(ServerTests.error(response.body)["message"] as? String == "the token's signature does not verify")
            }
        }
        await system.shutdown()
    }

    @Test("a secret shorter than 32 bytes is refused; a generated one is long enough")
    func secrets() {
        #expect(throws: JWTSecret.TooShort.self) { try JWTSecret(Array("too-short".utf8)) }
        _ = JWTSecret.generate()
    }

    @Test("two users with the same conversation_id keep separate histories")
    func conversationsArePrivate() async throws {
        let system = await ServerTests.system()
        let service = await TokenService(secret: TestAuth.secret)
        let ada = try await service.issue(userID: "user-ada", username: "ada")
        let bob = try await service.issue(userID: "user-bob", username: "bob")
        try await Self.app(system).test(.router) { client in
            for (pair, text) in [(ada, "from ada"), (bob, "from bob")] {
                try await client.execute(
                    uri: "/api/chat",
                    method: .post,
                    headers: Self.bearer(pair.accessToken),
                    body: ByteBuffer(string: #"{"content":"\#(text)","conversation_id":"shared"}"#)
                ) { #expect($0.status == .ok) }
            }
        }
        let adaHistory = try await system.conversations.messages(conversationID: "user-ada/shared", limit: 10)
        let bobHistory = try await system.conversations.messages(conversationID: "user-bob/shared", limit: 10)
        #expect(adaHistory.first?.content == "from ada")
        #expect(bobHistory.first?.content == "from bob")
        #expect(try await system.conversations.messages(conversationID: "shared", limit: 10).isEmpty)
        await system.shutdown()
    }

    @Test("accounts answer 503 with the reason while the user store is down")
    func userStoreDown() async throws {
        struct DownUsers: UserStore {
            let name = "sqlite"
            func create(_ user: StoredUser) async throws(StoreError) -> UserCreation { throw .unavailable("disk I/O error") }
            func user(named username: String) async throws(StoreError) -> StoredUser? { throw .unavailable("disk I/O error") }
            func user(id: String) async throws(StoreError) -> StoredUser? { throw .unavailable("disk I/O error") }
        }
        let system = await ServerTests.system()
        try await Self.app(system, users: DownUsers()).test(.router) { client in
            try await client.execute(uri: "/auth/register", method: .post, body: Self.credentials("ada", "correct horse")) { response in
                #expect(response.status == .serviceUnavailable)
                #expect((ServerTests.error(response.body)["message"] as? String)?.contains("disk I/O error") == true)
            }
        }
        await system.shutdown()
    }

    @Test("a refresh while the account store is down still renews: the refresh token vouches for the account")
    func refreshThroughStoreOutage() async throws {
        /// Up until told otherwise, then down.
        final class FlakyUsers: UserStore, Sendable {
            let name = "postgres"
            let inner = InMemoryUserStore()
            let down = Mutex(false)
            func create(_ user: StoredUser) async throws(StoreError) -> UserCreation {
                if down.withLock({ $0 }) { throw .unavailable("connection refused (PostgreSQL)") }
                return try inner.create(user)
            }
            func user(named username: String) async throws(StoreError) -> StoredUser? {
                if down.withLock({ $0 }) { throw .unavailable("connection refused (PostgreSQL)") }
                return try inner.user(named: username)
            }
            func user(id: String) async throws(StoreError) -> StoredUser? {
                if down.withLock({ $0 }) { throw .unavailable("connection refused (PostgreSQL)") }
                return try inner.user(id: id)
            }
        }
        let users = FlakyUsers()
        let system = await ServerTests.system()
        try await Self.app(system, users: users).test(.router) { client in
            let refresh = try await client.execute(uri: "/auth/register", method: .post, body: Self.credentials("ada", "correct horse")) {
                ServerTests.json($0.body)["refresh_token"] as? String ?? ""
            }
            users.down.withLock { $0 = true }
            try await client.execute(uri: "/auth/refresh", method: .post, body: ByteBuffer(string: #"{"refresh_token":"\#(refresh)"}"#)) {
                #expect($0.status == .ok)
                let body = ServerTests.json($0.body)
                #expect(body["access_token"] is String)
                let user = body["user"] as? [String: Any] ?? [:]
                #expect(user["username"] as? String == "ada" && user["created_at"] == nil)
            }
            // A login needs the password's hash, which only the store has: still 503.
            try await client.execute(uri: "/auth/login", method: .post, body: Self.credentials("ada", "correct horse")) {
                #expect($0.status == .serviceUnavailable)
            }
        }
        await system.shutdown()
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: String) -> Data {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64) ?? Data()
    }
}
