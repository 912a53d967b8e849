public import RevoCore

/// Accounts in a database with its latency and faults: during a database outage logins and refreshes fail as they
/// would against PostgreSQL.
public struct FakeUserStore: UserStore {
    public let name = "postgres"
    /// The data, for setting up accounts that existed before the run, without going through faults.
    public let inner = InMemoryUserStore(name: "postgres")
    private let gate: FaultGate

    public init(gate: FaultGate) {
        self.gate = gate
    }

    public func create(_ user: StoredUser) async throws(StoreError) -> UserCreation {
        try await gate.pass("write")
        return try inner.create(user)
    }

    public func user(named username: String) async throws(StoreError) -> StoredUser? {
        try await gate.pass("read")
        return try inner.user(named: username)
    }

    public func user(id: String) async throws(StoreError) -> StoredUser? {
        try await gate.pass("read")
        return try inner.user(id: id)
    }
}
