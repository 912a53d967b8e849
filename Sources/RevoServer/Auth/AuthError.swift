import RevoCore

/// Why a request is not authenticated; each answers 401 with the reason.
public enum AuthError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingToken
    case malformedToken(String)
    /// Only HS256 is accepted: `none`, and any other algorithm, is refused before the signature is looked at.
    case wrongAlgorithm(String)
    case badSignature
    case expired
    /// An access token where a refresh token is due, or the other way round.
    case wrongKind(expected: String, got: String)
    /// The token is valid but its account no longer exists.
    case unknownUser
    case badCredentials

    public var description: String {
        switch self {
        case .missingToken: "no bearer token: send Authorization: Bearer <access token>"
        case .malformedToken(let why): "the token is malformed: \(why)"
        case .wrongAlgorithm(let alg): "the token's algorithm '\(alg)' is not accepted (HS256 only)"
        case .badSignature: "the token's signature does not verify"
        case .expired: "the token has expired"
        case .wrongKind(let expected, let got): "expected a \(expected) token, got a \(got) token"
        case .unknownUser: "the token's account does not exist"
        case .badCredentials: "invalid username or password"
        }
    }

    var code: String {
        switch self {
        case .missingToken: "missing_token"
        case .expired: "token_expired"
        case .badCredentials: "invalid_credentials"
        default: "invalid_token"
        }
    }
}

extension APIError {
    public init(_ error: AuthError) {
        self.init(status: .unauthorized, code: error.code, message: error.description)
        if error != .badCredentials {
            challenge = #"Bearer error="invalid_token", error_description="# + JSONObjectWriter.quoted(error.description)
        }
    }
}
