import Foundation
import HTTPTypes
import RevoCore
import RevoServer

/// A fixed secret and a cheap bcrypt cost, so tests can mint, age and tamper with tokens quickly.
enum TestAuth {
    static let secret = try! JWTSecret(Array("test-secret-that-is-32-bytes-long!!".utf8))
    static let user = StoredUser(id: "user-test", username: "tester", passwordHash: "", createdAt: .zero)

    static func authentication(users: any UserStore = InMemoryUserStore(), now: @escaping @Sendable () -> Date = { Date() }) async -> Authentication {
        Authentication(tokens: await TokenService(secret: secret, now: now), users: users, passwords: PasswordHasher(cost: 4))
    }

    /// `Authorization: Bearer` with an access token for ``user``.
    static func headers() async -> HTTPFields {
        let pair = try! await TokenService(secret: secret).issue(userID: user.id, username: user.username)
        return [.authorization: "Bearer \(pair.accessToken)"]
    }
}
