import Hummingbird

/// Answers 429 with Retry-After once a client used up its bucket. Health routes are exempt: probes must get through.
struct RateLimitMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !request.uri.path.hasPrefix("/health") else { return try await next(request, context) }
        let client = context.remoteAddress?.ipAddress ?? "unknown"
        if let wait = limiter.take(client) {
            let seconds = max(1, Int(wait.seconds.rounded(.up)))
            throw APIError(
                status: .tooManyRequests,
                code: "rate_limited",
                message: "more than \(Int(limiter.capacity)) requests in \(Int(limiter.period.seconds)) s; retry in \(seconds) s",
                retryAfter: seconds
            )
        }
        return try await next(request, context)
    }
}
