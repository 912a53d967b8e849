import HTTPTypes
import Hummingbird
import Logging

/// Turns every error into the API's JSON error shape; unknown errors become a plain 500 (logged, never leaked).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            let code: String =
                switch error.status {
                case .notFound: "not_found"
                case .methodNotAllowed: "method_not_allowed"
                case .contentTooLarge: "body_too_large"
                default: "http_\(error.status.code)"
                }
            var message = error.body ?? error.status.reasonPhrase
            if error.status == .notFound {
                let path = request.uri.path
                message = "no route \(request.method) \(path)"
                if let suggestion = RouteSuggestion.suggest(for: path) {
                    let websocket = request.headers[.upgrade]?.lowercased() == "websocket"
                    message += websocket && suggestion.hasPrefix("/ws") ? "; the WebSocket is at \(suggestion)" : "; did you mean \(suggestion)?"
                }
            }
            throw APIError(status: error.status, code: code, message: message)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            throw APIError(status: .internalServerError, code: "internal", message: "internal error")
        }
    }
}

/// Gives every request an id (the client's `x-request-id` when it is sane), echoed in the response and the logs.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    let ids: @Sendable () -> String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let incoming = request.headers[.requestID].flatMap { id in
            id.count <= 64 && id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } ? id : nil
        }
        let id = incoming ?? ids()
        var context = context
        context.logger[metadataKey: "request"] = "\(id)"
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = id
            return response
        } catch let error as APIError {
            var response = try error.response(from: request, context: context)
            response.headers[.requestID] = id
            return response
        }
    }
}

/// CORS with an explicit allow-list: never `*` with credentials (the original allowed every origin with
/// credentials). Preflights from allowed origins are answered; a rejected origin is logged with the reason.
/// Hand-written rather than Hummingbird's CORSMiddleware because the rejection must be logged.
struct CORSAllowListMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowedOrigins: [String]
    let allowedHeaders = "authorization, content-type, x-request-id"
    let allowedMethods = "GET, POST, OPTIONS"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = allowedOrigins.contains(origin)
        let preflight = request.method == .options && request.headers[.accessControlRequestMethod] != nil
        guard allowed else {
            context.logger.warning(
                "CORS origin rejected",
                metadata: ["origin": "\(origin)", "reason": "not in the allow-list (\(allowedOrigins.joined(separator: ", ")))"]
            )
            if preflight {
                throw APIError(status: .forbidden, code: "origin_not_allowed", message: "origin \(origin) is not allowed")
            }
            return try await next(request, context)
        }
        var headers: HTTPFields = [
            .accessControlAllowOrigin: origin,
            .accessControlAllowCredentials: "true",
            .vary: "Origin",
        ]
        if preflight {
            headers[.accessControlAllowMethods] = allowedMethods
            headers[.accessControlAllowHeaders] = allowedHeaders
            headers[.accessControlMaxAge] = "600"
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        for field in headers { response.headers[field.name] = field.value }
        return response
    }
}

extension HTTPField.Name {
    static let requestID = Self("x-request-id")!
    static let revoProvider = Self("x-revo-provider")!
    static let revoAttempted = Self("x-revo-attempted")!
}
