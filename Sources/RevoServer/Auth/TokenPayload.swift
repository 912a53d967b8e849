import Foundation
import JWTKit

/// The claims of Revo's access and refresh tokens.
struct TokenPayload: JWTPayload, Equatable {
    var sub: SubjectClaim
    var name: String
    /// `access` or `refresh`: a refresh token cannot call the API and an access token cannot renew itself.
    var typ: String
    var iss: IssuerClaim
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    var jti: IDClaim

    /// Expiry and kind are checked by ``TokenService`` against its injected clock, so tests can age a token.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
