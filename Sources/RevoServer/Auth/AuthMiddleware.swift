public import Hummingbird

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A request context that can carry the caller's verified identity.
public protocol IdentifiedRequestContext: RequestContext {
    var identity: TokenService.Identity? { get set }
}

/// Lets a request through only with a valid access token (`Authorization: Bearer …`); 401 with the reason otherwise.
struct AuthMiddleware<Context: IdentifiedRequestContext>: RouterMiddleware {
    let tokens: TokenService

    func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        try await next(request, try await authenticated(request, context))
    }

    /// `context` with the identity the request's access token proves; 401 (an ``APIError``) without one. The API's
    /// routes call it in their handlers (``RevoRoutes``), the middleware for a route group.
    func authenticated(_ request: Request, _ context: Context) async throws -> Context {
        var context = context
        do throws(AuthError) {
            context.identity = try await tokens.verify(try Self.bearerToken(request), as: .access)
        } catch {
            throw APIError(error)
        }
        return context
    }

    static func bearerToken(_ request: Request) throws(AuthError) -> String {
        guard var header = request.headers.value(.authorization) else { throw .missingToken }
        // Two words separated by spaces, spaces around them allowed; a token has none. Read over the contiguous bytes in
        // one pass, without splitting the header, lowercasing a copy or stepping `String.Index` through the token.
        let token = header.withUTF8 { bytes -> String? in
            var index = 0
            func word() -> Range<Int> {
                while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
                let start = index
                // The word's end found by memchr, which reads a long token many bytes at a time.
                let rest = bytes.count - start
                if let base = bytes.baseAddress, rest > 0, let space = memchr(base + start, Int32(UInt8(ascii: " ")), rest) {
                    index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(space))
                } else {
                    index = bytes.count
                }
                return start..<index
            }
            let scheme = word()
            let token = word()
            guard word().isEmpty, !token.isEmpty, bytes[scheme].elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }) else {
                return nil
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[token]), as: UTF8.self)
        }
        guard let token else { throw .malformedToken("the Authorization header is not 'Bearer <token>'") }
        return token
    }
}
