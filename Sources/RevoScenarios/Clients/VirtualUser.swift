package import HTTPTypes
package import NIOCore
import RevoServer
import Synchronization

/// One person using the API: an account, an address of their own (the rate limit counts per address), and the tokens
/// the server last gave them, which they refresh when the access token expires.
package final class VirtualUser: Sendable {
    package struct Tokens: Sendable {
        package let access: String
        package var refresh: String
        /// When the access token expires, on the client's clock (issue time plus `expires_in`).
        package var accessExpiresAt: Duration
        /// `Authorization: Bearer` with the access token, made once: a field's value is checked byte by byte when it
        /// is made, and the token goes out with every request.
        package let bearer: HTTPField

        package init(access: String, refresh: String, accessExpiresAt: Duration) {
            self.access = access
            self.refresh = refresh
            self.accessExpiresAt = accessExpiresAt
            self.bearer = HTTPField(name: .authorization, value: "Bearer " + access)
        }
    }

    let index: Int
    package let username: String
    let password: String
    let userID: String
    package let address: SocketAddress
    private let state: Mutex<(tokens: Tokens, refreshing: Task<Void, Never>?)>

    package init(index: Int, username: String, password: String, userID: String, tokens: Tokens) {
        self.index = index
        self.username = username
        self.password = password
        self.userID = userID
        // 10.0.0.0/8: one private address per user, a port of their own.
        self.address = try! SocketAddress(ipAddress: "10.\(index >> 16 & 255).\(index >> 8 & 255).\(index & 255)", port: 40_000 + index % 20_000)
        self.state = Mutex((tokens, nil))
    }

    package var tokens: Tokens { state.withLock { $0.tokens } }

    func update(_ tokens: Tokens) {
        state.withLock { $0.tokens = tokens }
    }

    /// Re-reads the access token's expiry on a clock started `offset` later than the one it was read on.
    package func moveClock(back offset: Duration) {
        state.withLock { $0.tokens.accessExpiresAt -= offset }
    }

    /// The refresh in flight, if any, or makes `start` the one: concurrent requests of one user wait for a single
    /// refresh rather than each sending their own.
    func refreshing(orStart start: () -> Task<Void, Never>) -> Task<Void, Never> {
        state.withLock { s in
            if let running = s.refreshing { return running }
            let task = start()
            s.refreshing = task
            return task
        }
    }

    func refreshEnded() {
        state.withLock { $0.refreshing = nil }
    }

    /// The ids the server files this user's conversations and sessions under (``ChatRequest`` scopes them per user).
    func scoped(_ id: String) -> String {
        userID + "/" + id
    }
}
