import Foundation
import RevoCore
import RevoRuntime
import RevoScenarios
import RevoServer

/// The live run's user: an account registered on the server through the run's transport, and a token of theirs
/// minted two hours ago with the server's secret when this run knows it.
enum LiveAccount {
    /// Registers `username` and returns them signed in, their token's expiry on `clock`.
    static func register(
        username: String,
        password: String,
        through transport: any ClientTransport,
        clock: SystemClock
    ) async throws(LiveError)
        -> VirtualUser
    {
        let answer = await transport.send(.credentials("/auth/register", username: username, password: password), from: nil)
        guard answer.status == 201, let tokens = APIClient.tokens(in: answer, at: clock.now) else {
            throw LiveError("POST /auth/register answered \(answer.status): \(answer.text)")
        }
        let userID = answer.json?["user"]?["id"]?.string ?? username
        return VirtualUser(index: 0, username: username, password: password, userID: userID, tokens: tokens)
    }

    /// Registers `name` (with a password made from it) and returns the probe client that speaks for the new account,
    /// with a token of theirs minted two hours ago when the server's `secret` is known. Its clock starts now.
    static func signIn(_ name: String, through transport: any ClientTransport, secret: String?) async throws(LiveError) -> ProbeClient {
        let clock = SystemClock(ContinuousClock())
        let user = try await register(username: name, password: "\(name)-password", through: transport, clock: clock)
        return ProbeClient(transport: transport, clock: clock, user: user, expiredToken: await expiredToken(secret: secret))
    }

    /// A token issued with the server's own secret two hours ago: its signature verifies, its expiry does not. nil
    /// without the secret.
    static func expiredToken(secret: String?) async -> String? {
        guard let secret, let key = try? JWTSecret(Array(secret.utf8)) else { return nil }
        let past = Date().addingTimeInterval(-7200)
        let service = await TokenService(secret: key, now: { past })
        return try? await service.issue(userID: "probe", username: "probe").accessToken
    }
}
