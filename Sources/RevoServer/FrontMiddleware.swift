import HTTPTypes
import Hummingbird
import Logging

/// What every request passes first: an id (the client's `x-request-id` when it is sane), CORS, the per-client rate
/// limit, the one error shape for whatever the routes throw, and the request metrics. One middleware rather than five:
/// every layer is an async call through an existential and a closure, paid on every request. Errors get the request id
/// and, for an allowed origin, the CORS headers, so a browser can read a 429 or a 401 too.
struct FrontMiddleware<Context: RemoteAddressRequestContext & RequestIDContext>: RouterMiddleware {
    let ids: @Sendable () -> String
    let cors: CORSPolicy
    let limiter: RateLimiter<ClientAddress>
    let proxies: TrustedProxies
    let metrics: RequestMetrics
    let accessLog: Bool

    func handle(_ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let meter = metrics.started(request.method)
        let id = request.headers.value(.requestID).flatMap(Self.sane) ?? ids()
        let client = proxies.client(of: context.remoteAddress, headers: request.headers)
        var context = context
        context.requestID = id
        let (response, failed) = await RequestLogMetadata.$requestID.withValue(id) {
            await answer(request, context: context, id: id, client: client, next: next)
        }
        let elapsed = start.duration(to: .now)
        let endpoint = context.endpointPath ?? "NotFound"
        metrics.finished(meter, endpoint: endpoint, method: request.method, status: response.status, failed: failed, elapsed: elapsed)
        if accessLog, context.logger.logLevel <= .info {
            log(request, response, id: id, endpoint: endpoint, client: client, elapsed: elapsed, logger: context.logger)
        }
        return response
    }

    /// The response, and whether it stands for an error a route threw.
    private func answer(
        _ request: Request,
        context: Context,
        id: String,
        client: ClientAddress,
        next: (Request, Context) async throws -> Response
    ) async -> (response: Response, failed: Bool) {
        var allowedOrigin: String?
        switch cors.verdict(for: request) {
        case .none:
            break
        case .allowed(let origin):
            if cors.isPreflight(request) {
                var response = cors.preflightResponse(origin: origin)
                response.headers[.requestID] = id
                return (response, false)
            }
            allowedOrigin = origin
        case .rejected(let origin):
            context.logger.warning("CORS origin rejected", metadata: ["origin": "\(origin)", "reason": "\(cors.rejectionReason)"])
            if cors.isPreflight(request) {
                let error = APIError(status: .forbidden, code: "origin_not_allowed", message: "origin \(origin) is not allowed")
                return (respond(to: request, with: error, id: id), false)
            }
        }

        var response: Response
        var failed = false
        do {
            try limit(request, client: client)
            response = try await next(request, context)
        } catch {
            failed = true
            response = respond(to: request, with: APIError(mapping: error, for: request, logger: context.logger), id: id)
        }
        if let allowedOrigin { cors.allow(allowedOrigin, on: &response) }
        response.headers[.requestID] = id
        return (response, failed)
    }

    /// 429 with Retry-After once a client used up its bucket. Health routes are exempt: probes must get through.
    private func limit(_ request: Request, client: ClientAddress) throws(APIError) {
        guard !request.uri.path.hasPrefix("/health") else { return }
        guard let wait = limiter.take(client) else { return }
        let seconds = max(1, Int(wait.seconds.rounded(.up)))
        throw APIError(
            status: .tooManyRequests,
            code: "rate_limited",
            message: "more than \(Int(limiter.capacity)) requests in \(Int(limiter.period.seconds)) s; retry in \(seconds) s",
            retryAfter: seconds
        )
    }

    /// The access log line: one per request, naming its request id itself (a logger may have no metadata provider).
    private func log(_ request: Request, _ response: Response, id: String, endpoint: String, client: ClientAddress, elapsed: Duration, logger: Logger)
    {
        var metadata: Logger.Metadata = [
            RequestLogMetadata.key: .string(id),
            "method": .string(request.method.rawValue),
            "route": .string(endpoint),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .stringConvertible((elapsed.seconds * 1_000_000).rounded() / 1000),
            "client": .stringConvertible(client),
        ]
        if let provider = response.headers[.revoProvider] { metadata["provider"] = .string(provider) }
        logger.info("request", metadata: metadata)
    }

    private func respond(to request: Request, with error: APIError, id: String) -> Response {
        var response = error.response()
        response.headers[.requestID] = id
        return response
    }

    /// A client's id is echoed and logged only if it is short and plain.
    private static func sane(_ id: String) -> String? {
        id.utf8.count <= 64 && id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } ? id : nil
    }
}

extension HTTPField.Name {
    static let requestID = Self("x-request-id")!
    static let revoProvider = Self("x-revo-provider")!
    static let revoAttempted = Self("x-revo-attempted")!
}
