import Foundation
import RevoServer
import Synchronization
import Testing

@Suite("Verified-token cache")
struct VerifiedTokensTests {
    /// A wall clock the test moves.
    final class MovableNow: Sendable {
        private let offset = Mutex<TimeInterval>(0)
        func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
        var date: Date { Date().addingTimeInterval(offset.withLock { $0 }) }
    }

    @Test("a token verified once is still checked for its kind and its expiry on every later use")
    func cachedTokensKeepTheirChecks() async throws {
        let now = MovableNow()
        let service = await TokenService(secret: TestAuth.secret, now: { now.date })
        let pair = try await service.issue(userID: "u1", username: "ada")

        let first = try await service.verify(pair.accessToken, as: .access)
        let again = try await service.verify(pair.accessToken, as: .access)
        #expect(first == again)
        #expect(again.username == "ada")

        // The cached access token is still no refresh token, and the refresh token no access token.
        await #expect(throws: AuthError.wrongKind(expected: "refresh", got: "access")) {
            try await service.verify(pair.accessToken, as: .refresh)
        }
        _ = try await service.verify(pair.refreshToken, as: .refresh)
        await #expect(throws: AuthError.wrongKind(expected: "access", got: "refresh")) {
            try await service.verify(pair.refreshToken, as: .access)
        }

        // Past its 30 minutes the cached access token is refused as expired; the refresh token lives on.
        now.advance(by: 31 * 60)
        await #expect(throws: AuthError.expired) { try await service.verify(pair.accessToken, as: .access) }
        _ = try await service.verify(pair.refreshToken, as: .refresh)
    }

    /// Where a test changes one character of a cached token.
    enum Alteration: CaseIterable, Sendable {
        /// Inside the signature, not its last character (which may carry only padding bits).
        case signature
        /// In the payload: the token still ends as the cached one does, and the cache hashes a token's tail only.
        case payload
    }

    @Test("a token one character away from a cached one is verified afresh and refused", arguments: Alteration.allCases)
    func alteredTokenIsRefused(_ alteration: Alteration) async throws {
        let service = await TokenService(secret: TestAuth.secret)
        let token = try await service.issue(userID: "u1", username: "ada").accessToken
        _ = try await service.verify(token, as: .access)
        var characters = Array(token)
        let index =
            switch alteration {
            case .signature: characters.count - 10
            case .payload: (characters.firstIndex(of: ".") ?? 0) + 5
            }
        characters[index] = characters[index] == "A" ? "B" : "A"
        let altered = String(characters)
        if alteration == .payload { #expect(altered.suffix(40) == token.suffix(40)) }
        await #expect(throws: AuthError.self) { try await service.verify(altered, as: .access) }
    }
}
