public import Foundation
import JWTKit

/// Issues and verifies HS256 access and refresh tokens.
public struct TokenService: Sendable {
    public enum Kind: String, Sendable {
        case access
        case refresh
    }

    public struct Settings: Sendable {
        public var accessLifetime: Duration
        public var refreshLifetime: Duration
        public var issuer: String

        public init(accessLifetime: Duration = .seconds(30 * 60), refreshLifetime: Duration = .seconds(7 * 24 * 3600), issuer: String = "revo") {
            self.accessLifetime = accessLifetime
            self.refreshLifetime = refreshLifetime
            self.issuer = issuer
        }
    }

    /// What a verified token says.
    public struct Identity: Sendable, Equatable {
        public var userID: String
        public var username: String
        public var expiresAt: Date
    }

    public struct Pair: Sendable, Equatable {
        public var accessToken: String
        public var refreshToken: String
        public var accessExpiresIn: Duration
    }

    public let settings: Settings
    private let keys: JWTKeyCollection
    private let now: @Sendable () -> Date
    private let tokenID: @Sendable () -> String
    private let verified = VerifiedTokens(capacity: 10_000)

    /// `now` is the wall clock and `tokenID` (each token's `jti`) a random UUID, unless a test ages its tokens or a
    /// simulation runs them in virtual time with seeded ids.
    public init(
        secret: JWTSecret,
        settings: Settings = Settings(),
        now: @escaping @Sendable () -> Date = { Date() },
        tokenID: @escaping @Sendable () -> String = { UUID().uuidString }
    ) async {
        self.settings = settings
        self.now = now
        self.tokenID = tokenID
        self.keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret.bytes), digestAlgorithm: .sha256)
    }

    public func issue(userID: String, username: String) async throws -> Pair {
        let issuedAt = now()
        func token(_ kind: Kind, lifetime: Duration) async throws -> String {
            try await keys.sign(
                TokenPayload(
                    sub: SubjectClaim(value: userID),
                    name: username,
                    typ: kind.rawValue,
                    iss: IssuerClaim(value: settings.issuer),
                    iat: IssuedAtClaim(value: issuedAt),
                    exp: ExpirationClaim(value: issuedAt.addingTimeInterval(lifetime.timeInterval)),
                    jti: IDClaim(value: tokenID())
                ),
                header: ["typ": "JWT"]
            )
        }
        return Pair(
            accessToken: try await token(.access, lifetime: settings.accessLifetime),
            refreshToken: try await token(.refresh, lifetime: settings.refreshLifetime),
            accessExpiresIn: settings.accessLifetime
        )
    }

    /// The identity in `token` if it is an HS256 token of `kind`, signed with this secret, unexpired.
    public func verify(_ token: String, as kind: Kind) async throws(AuthError) -> Identity {
        let now = now()
        // A client sends the same token with every request: its signature and claims are checked once, and the
        // identity is reused until the token expires. A token that differs in any byte is checked afresh.
        if let (verifiedKind, identity) = verified.lookup(token, at: now) {
            guard verifiedKind == kind else { throw .wrongKind(expected: kind.rawValue, got: verifiedKind.rawValue) }
            return identity
        }
        try Self.checkAlgorithm(token)
        let payload: TokenPayload
        do {
            payload = try await keys.verify(token, as: TokenPayload.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch {
            throw .malformedToken("the claims cannot be read")
        }
        guard payload.iss.value == settings.issuer else { throw .malformedToken("issuer '\(payload.iss.value)' is not '\(settings.issuer)'") }
        guard payload.exp.value > now else { throw .expired }
        guard payload.typ == kind.rawValue else { throw .wrongKind(expected: kind.rawValue, got: payload.typ) }
        let identity = Identity(userID: payload.sub.value, username: payload.name, expiresAt: payload.exp.value)
        verified.insert(token, kind: kind, identity: identity, at: now)
        return identity
    }

    /// Reads the header's `alg` before anything else, so `none` (and every algorithm but HS256) is refused by name
    /// rather than by a signature check that happens to fail.
    static func checkAlgorithm(_ token: String) throws(AuthError) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedToken("expected three dot-separated parts, got \(parts.count)") }
        var base64 = parts[0].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
            let header = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw .malformedToken("the header is not base64url-encoded JSON") }
        guard let alg = header["alg"] as? String else { throw .malformedToken("the header has no alg") }
        guard alg == "HS256" else { throw .wrongAlgorithm(alg) }
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
