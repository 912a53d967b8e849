import RevoCore
import RevoServer
import RevoSim

/// The scenario's users as they stand when the run begins: accounts made and signed in before it, each with a fresh
/// token pair, and each token's twin issued two hours earlier (long expired) for the bad input that sends one.
struct SimUsers {
    let users: [VirtualUser]
    let expiredTokens: [String]

    static let password = "sim-user-password"

    static func provision(_ world: SimWorld, tokens: TokenService) async -> SimUsers {
        let count = world.scenario.workload.clients
        // One hash for all: bcrypt's cost is per call and the accounts are set up, not under test.
        let hash = (try? await PasswordHasher(cost: 4, placement: .inline).hash(password)) ?? ""
        let past = await world.tokenService(offset: .seconds(-7_200))
        var users: [VirtualUser] = []
        var expired: [String] = []
        for index in 0..<count {
            let id = "user-\(index)"
            _ = try? world.users.inner.create(StoredUser(id: id, username: id, passwordHash: hash, createdAt: world.clock.now))
            guard let pair = try? await tokens.issue(userID: id, username: id),
                let old = try? await past.issue(userID: id, username: id)
            else { preconditionFailure("signing a token with the run's own secret cannot fail") }
            let issued = VirtualUser.Tokens(
                access: pair.accessToken,
                refresh: pair.refreshToken,
                accessExpiresAt: world.clock.now + pair.accessExpiresIn
            )
            users.append(VirtualUser(index: index, username: id, password: password, userID: id, tokens: issued))
            expired.append(old.accessToken)
        }
        return SimUsers(users: users, expiredTokens: expired)
    }
}
