import Synchronization

/// An account as stored: the password only as a slow-KDF hash.
public struct StoredUser: Sendable, Equatable, Codable {
    public var id: String
    /// Unique, compared without regard to case.
    public var username: String
    public var passwordHash: String
    public var createdAt: Duration

    public init(id: String, username: String, passwordHash: String, createdAt: Duration) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}

/// What happened to a new account.
public enum UserCreation: Sendable, Equatable {
    case created
    /// Someone has that username already (in any letter case).
    case usernameTaken
}

/// Where accounts live: SQLite by default, PostgreSQL in production; in process for tests.
public protocol UserStore: Sendable {
    var name: String { get }
    func create(_ user: StoredUser) async throws(StoreError) -> UserCreation
    /// The account with `username`, in any letter case.
    func user(named username: String) async throws(StoreError) -> StoredUser?
    func user(id: String) async throws(StoreError) -> StoredUser?
}

/// Accounts in process memory, behind a lock: the embedded default for tests and `--database memory`.
public final class InMemoryUserStore: UserStore {
    private struct State {
        var byID: [String: StoredUser] = [:]
        var idByName: [String: String] = [:]
    }

    public let name: String
    private let state = Mutex(State())

    public init(name: String = "in-process") {
        self.name = name
    }

    public func create(_ user: StoredUser) throws(StoreError) -> UserCreation {
        let key = user.username.lowercased()
        return state.withLock { s in
            guard s.idByName[key] == nil else { return .usernameTaken }
            s.idByName[key] = user.id
            s.byID[user.id] = user
            return .created
        }
    }

    public func user(named username: String) throws(StoreError) -> StoredUser? {
        let key = username.lowercased()
        return state.withLock { s in s.idByName[key].flatMap { s.byID[$0] } }
    }

    public func user(id: String) throws(StoreError) -> StoredUser? {
        state.withLock { $0.byID[id] }
    }
}
