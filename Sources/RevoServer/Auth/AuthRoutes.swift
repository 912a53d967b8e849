import Hummingbird
import Logging
import RevoCore
import RevoRuntime

/// `/auth/register`, `/auth/login`, `/auth/refresh` and `/auth/me`.
struct AuthRoutes<Context: IdentifiedRequestContext>: Sendable {
    let auth: Authentication
    let ids: IDSource
    let clock: SystemClock
    let bodyLimit: Int

    func register(on router: Router<Context>) {
        let group = router.group("auth")
        group.post("register") { request, _ in try await register(request) }
        group.post("login") { request, _ in try await login(request) }
        group.post("refresh") { request, context in try await refresh(request, logger: context.logger) }
        group.add(middleware: AuthMiddleware<Context>(tokens: auth.tokens)).get("me") { _, context in
            let identity = context.identity
            let user = try await stored { try await identity.asyncFlatMap { try await auth.users.user(id: $0.userID) } }
            guard let user else { throw APIError(AuthError.unknownUser) }
            return try JSONBody.response(Self.answer(user))
        }
    }

    private func register(_ request: Request) async throws -> Response {
        let body = try await JSONBody.decode(CredentialsBody.self, from: request, limit: bodyLimit)
        try body.validateForRegistration()
        let user = StoredUser(
            id: ids.next("user"),
            username: body.username,
            passwordHash: try await auth.passwords.hash(body.password),
            createdAt: clock.now
        )
        guard try await stored({ try await auth.users.create(user) }) == .created else {
            throw APIError(status: .conflict, code: "username_taken", message: "username: '\(body.username)' is taken", field: "username")
        }
        return try JSONBody.response(try await tokens(for: Self.answer(user)), status: .created)
    }

    private func login(_ request: Request) async throws -> Response {
        let body = try await JSONBody.decode(CredentialsBody.self, from: request, limit: bodyLimit)
        let user = try await stored { try await auth.users.user(named: body.username) }
        guard try await auth.passwords.verify(body.password, hash: user?.passwordHash), let user else {
            throw APIError(AuthError.badCredentials)
        }
        return try JSONBody.response(try await tokens(for: Self.answer(user)))
    }

    /// A new pair for a valid refresh token. While the account store is down the token's own claims vouch for the
    /// account (this server signed them and they have not expired), so signed-in clients keep working through a
    /// database outage; the answer's `user` then lacks what only the store knows (`created_at`).
    private func refresh(_ request: Request, logger: Logger) async throws -> Response {
        let body = try await JSONBody.decode(RefreshBody.self, from: request, limit: bodyLimit)
        let identity: TokenService.Identity
        do throws(AuthError) {
            identity = try await auth.tokens.verify(body.refreshToken, as: .refresh)
        } catch {
            throw APIError(error)
        }
        let user: UserAnswer
        do {
            guard let stored = try await auth.users.user(id: identity.userID) else { throw APIError(AuthError.unknownUser) }
            user = Self.answer(stored)
        } catch let error as StoreError {
            logger.warning("refresh without the account store", metadata: ["user": "\(identity.userID)", "error": "\(error)"])
            user = UserAnswer(id: identity.userID, username: identity.username, createdAt: nil)
        }
        return try JSONBody.response(try await tokens(for: user))
    }

    private func tokens(for user: UserAnswer) async throws -> TokenAnswer {
        let pair = try await auth.tokens.issue(userID: user.id, username: user.username)
        return TokenAnswer(
            accessToken: pair.accessToken,
            refreshToken: pair.refreshToken,
            expiresIn: Int(pair.accessExpiresIn.components.seconds),
            user: user
        )
    }

    /// A user-store call; a store that is down answers 503 with its reason rather than 500.
    private func stored<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as StoreError {
            throw APIError(status: .serviceUnavailable, code: "database_unavailable", message: "accounts are unavailable: \(error)", retryAfter: 5)
        }
    }

    static func answer(_ user: StoredUser) -> UserAnswer {
        UserAnswer(id: user.id, username: user.username, createdAt: user.createdAt.timeInterval)
    }
}

extension Optional where Wrapped: Sendable {
    fileprivate func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
