public import RevoCore

/// What the auth routes and middleware need: tokens, accounts, and the password KDF.
public struct Authentication: Sendable {
    public var tokens: TokenService
    public var users: any UserStore
    public var passwords: PasswordHasher

    public init(tokens: TokenService, users: any UserStore, passwords: PasswordHasher = PasswordHasher()) {
        self.tokens = tokens
        self.users = users
        self.passwords = passwords
    }
}
