import Hummingbird

/// CORS with an explicit allow-list: never `*` with credentials (the original allowed every origin with credentials).
/// Hand-written rather than Hummingbird's CORSMiddleware because a rejected origin must be logged with the reason.
struct CORSPolicy: Sendable {
    enum Verdict {
        /// No `Origin`: not a browser's cross-origin call.
        case none
        case allowed(String)
        case rejected(String)
    }

    let allowedOrigins: [String]
    let allowedHeaders = "authorization, content-type, x-request-id"
    let allowedMethods = "GET, POST, OPTIONS"

    func verdict(for request: Request) -> Verdict {
        guard let origin = request.headers.value(.origin) else { return .none }
        // A page served by this server (the web client) sends its own origin on POSTs: not a cross-origin call.
        if let host = request.head.authority, origin == "http://" + host || origin == "https://" + host { return .none }
        return allowedOrigins.contains(origin) ? .allowed(origin) : .rejected(origin)
    }

    func isPreflight(_ request: Request) -> Bool {
        request.method == .options && request.headers.contains(.accessControlRequestMethod)
    }

    var rejectionReason: String {
        "not in the allow-list (\(allowedOrigins.joined(separator: ", ")))"
    }

    /// The answer to a preflight from an allowed origin.
    func preflightResponse(origin: String) -> Response {
        var response = Response(status: .noContent)
        allow(origin, on: &response)
        response.headers[.accessControlAllowMethods] = allowedMethods
        response.headers[.accessControlAllowHeaders] = allowedHeaders
        response.headers[.accessControlMaxAge] = "600"
        return response
    }

    /// Lets the browser read `response`, errors included.
    func allow(_ origin: String, on response: inout Response) {
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlAllowCredentials] = "true"
        response.headers[.vary] = "Origin"
    }
}
