import HTTPTypes
import RevoCore
package import RevoRuntime
import RevoServer

/// What every user's requests go through: their access token attached, refreshed first when it has expired (and once
/// more after a 401 saying so), as a browser client does. Each refresh is recorded as a request of its own.
package struct APIClient: Sendable {
    package let transport: any ClientTransport
    package let clock: SystemClock
    let starter: any TaskStarter
    let metrics: MetricsRecorder
    /// Refresh this long before the access token expires.
    static let refreshMargin = Duration.seconds(10)

    package init(transport: any ClientTransport, clock: SystemClock, starter: any TaskStarter, metrics: MetricsRecorder) {
        self.transport = transport
        self.clock = clock
        self.starter = starter
        self.metrics = metrics
    }

    /// Sends `call` as `user`, authorized with their current access token.
    package func send(_ call: HTTPCall, as user: VirtualUser, index: Int) async -> HTTPAnswer {
        await freshTokens(for: user, index: index)
        let answer = await transport.send(call.authorized(user.tokens.bearer), from: user.address)
        guard answer.status == 401, answer.json?["error"]?["code"]?.string == "token_expired" else { return answer }
        await refresh(user, index: index)
        return await transport.send(call.authorized(user.tokens.bearer), from: user.address)
    }

    /// Sends `call` as it is (credentials, or bad input that carries its own token, or none).
    func sendAnonymous(_ call: HTTPCall, from user: VirtualUser) async -> HTTPAnswer {
        await transport.send(call, from: user.address)
    }

    /// Refreshes `user`'s tokens when the access token has expired or is about to.
    func freshTokens(for user: VirtualUser, index: Int) async {
        guard clock.now >= user.tokens.accessExpiresAt - Self.refreshMargin else { return }
        await refresh(user, index: index)
    }

    private func refresh(_ user: VirtualUser, index: Int) async {
        let task = user.refreshing {
            starter.start("refresh-\(user.index)") {
                await exchangeRefreshToken(user, index: index)
                user.refreshEnded()
            }
        }
        await task.value
    }

    /// `POST /auth/refresh`, recorded; on success the user holds the new pair.
    private func exchangeRefreshToken(_ user: VirtualUser, index: Int) async {
        let start = clock.now
        let answer = await transport.send(.refresh(user.tokens.refresh), from: user.address)
        var record = RequestRecord(operation: .refresh, index: index, at: start)
        record.read(answer)
        if answer.status == 200, let tokens = Self.tokens(in: answer, at: clock.now) { user.update(tokens) }
        record.latency = clock.now - start
        metrics.record(record)
    }

    /// The pair in a token answer, with the access token's expiry on this client's clock.
    package static func tokens(in answer: HTTPAnswer, at now: Duration) -> VirtualUser.Tokens? {
        guard let json = answer.json, let access = json["access_token"]?.string, let refresh = json["refresh_token"]?.string,
            let expiresIn = json["expires_in"]?.int
        else { return nil }
        return VirtualUser.Tokens(access: access, refresh: refresh, accessExpiresAt: now + .seconds(expiresIn))
    }
}
