import RevoCore

/// `POST /auth/register` and `/auth/login` body.
struct CredentialsBody: Sendable, JSONObjectDecodable {
    var username: String
    var password: String

    init(_ object: JSONObject) throws(APIError) {
        try object.allowOnly(["username", "password"])
        username = try object.requiredString("username")
        password = try object.requiredString("password")
    }

    static let usernameLength = 3...64
    /// In characters (code points), as the contract counts them; long ones are pre-hashed for bcrypt.
    static let passwordLength = 8...256

    /// For a new account: what is allowed in a name and how long a password must be, naming the field.
    func validateForRegistration() throws(APIError) {
        guard Self.usernameLength.contains(username.codePointCount) else {
            throw invalid(
                "username",
                "must be \(Self.usernameLength.lowerBound) to \(Self.usernameLength.upperBound) characters, got \(username.codePointCount)"
            )
        }
        // ASCII only: names that look alike in other scripts could impersonate each other.
        guard
            username.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-@".unicodeScalars.contains($0))
            })
        else {
            throw invalid("username", "may hold the letters A-Z and a-z, digits and . _ - @ only")
        }
        guard Self.passwordLength.contains(password.codePointCount) else {
            throw invalid(
                "password",
                "must be \(Self.passwordLength.lowerBound) to \(Self.passwordLength.upperBound) characters, got \(password.codePointCount)"
            )
        }
    }

    private func invalid(_ field: String, _ message: String) -> APIError {
        APIError(status: .unprocessableContent, code: "invalid_field", message: "\(field): \(message)", field: field)
    }
}

/// `POST /auth/refresh` body.
struct RefreshBody: Sendable, JSONObjectDecodable {
    var refreshToken: String

    init(_ object: JSONObject) throws(APIError) {
        try object.allowOnly(["refresh_token"])
        refreshToken = try object.requiredString("refresh_token")
    }
}

/// The account as the API shows it.
struct UserAnswer: Encodable, Sendable {
    var id: String
    var username: String
    /// Unix seconds; absent when the account store could not be read (a refresh during its outage).
    var createdAt: Double?
}

/// Tokens and the account they are for.
struct TokenAnswer: Encodable, Sendable {
    var accessToken: String
    var refreshToken: String
    var tokenType = "bearer"
    /// Seconds until the access token expires.
    var expiresIn: Int
    var user: UserAnswer
}
