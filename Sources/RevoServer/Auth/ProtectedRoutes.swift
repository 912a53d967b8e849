import HTTPTypes
import Hummingbird

/// Routes that need an access token, checked at the start of each handler. A route group's middleware does the same
/// check, but puts a responder, a middleware call and their closures between the router and every protected handler.
struct ProtectedRoutes<Context: IdentifiedRequestContext> {
    let router: Router<Context>
    let access: AuthMiddleware<Context>

    /// Registers `handler` for `method` on `path`; it runs with the caller's identity in its context, and a request
    /// without a valid token is answered 401 before it starts.
    func on(_ path: RouterPath, _ method: HTTPRequest.Method, _ handler: @escaping @Sendable (Request, Context) async throws -> Response) {
        let access = self.access
        router.on(path, method: method) { request, context in
            try await handler(request, try await access.authenticated(request, context))
        }
    }
}
