public import Hummingbird
import HummingbirdWebSocket
public import Logging
public import NIOCore
public import RevoCore
public import RevoRuntime

/// Server settings: where to listen, who may call from a browser, how big a body may be.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Browser origins allowed to call the API with credentials (never `*`).
    public var allowedOrigins: [String]
    /// Largest accepted request body, in bytes (the content limit is 32 KiB; the rest is JSON).
    public var bodyLimit: Int
    /// Requests per client per minute (the hardened original's 100).
    public var requestsPerMinute: Int
    public var webSocket: WebSocketSettings
    /// A folder of static files served at `/` (the web client), or nil to serve none.
    public var webRoot: String?
    /// Proxies whose forwarding headers name the client (for the rate limit and the access log).
    public var trustedProxies: TrustedProxies
    /// One log line per request at info level (route, status, duration, provider).
    public var accessLog: Bool
    /// Records a trace of each chat when set (`--otlp-endpoint`).
    public var tracer: RevoTracer?

    /// The origins a development frontend is served from (React's and Vite's dev servers), allowed when none are given.
    public static let developmentOrigins = ["http://localhost:3000", "http://localhost:5173"]

    public init(
        host: String = "127.0.0.1",
        port: Int = 8000,
        allowedOrigins: [String] = [],
        bodyLimit: Int = 64 * 1024,
        requestsPerMinute: Int = 100,
        webSocket: WebSocketSettings = WebSocketSettings(),
        webRoot: String? = nil,
        trustedProxies: TrustedProxies = TrustedProxies(),
        accessLog: Bool = false,
        tracer: RevoTracer? = nil
    ) {
        self.host = host
        self.port = port
        self.allowedOrigins = allowedOrigins
        self.bodyLimit = bodyLimit
        self.requestsPerMinute = requestsPerMinute
        self.webSocket = webSocket
        self.webRoot = webRoot
        self.trustedProxies = trustedProxies
        self.accessLog = accessLog
        self.tracer = tracer
    }
}

/// Builds the HTTP backend over a running ``RevoSystem``.
public enum RevoApplication {
    /// The router with every route and middleware; tests drive it without a socket.
    public static func router(
        system: RevoSystem,
        authentication: Authentication,
        configuration: ServerConfiguration,
        clock: SystemClock,
        starter: any TaskStarter = ConcurrentTaskStarter(),
        metrics: ServerMetrics = ServerMetrics()
    ) -> Router<RevoRequestContext> {
        let router = Router(context: RevoRequestContext.self)
        router.add(
            middleware: FrontMiddleware(
                ids: { system.ids.next("http") },
                cors: CORSPolicy(allowedOrigins: configuration.allowedOrigins),
                limiter: RateLimiter(capacity: configuration.requestsPerMinute, per: .seconds(60), clock: clock),
                proxies: configuration.trustedProxies,
                metrics: metrics.requests,
                accessLog: configuration.accessLog
            )
        )
        if let webRoot = configuration.webRoot {
            // The routes answer first; only a GET or HEAD they answer with 404 looks for a file of that name.
            router.add(
                middleware: FileMiddleware(webRoot, cacheControl: CacheControl([(MediaType(type: .any), [.noCache])]), searchForIndexHtml: true)
            )
        }
        RevoRoutes<RevoRequestContext>(
            system: system,
            tokens: authentication.tokens,
            bodyLimit: configuration.bodyLimit,
            metrics: metrics,
            spans: configuration.tracer.map(ChatSpans.init)
        ).register(on: router)
        AuthRoutes<RevoRequestContext>(auth: authentication, ids: system.ids, clock: clock, bodyLimit: configuration.bodyLimit).register(on: router)
        ChatSocket<RevoRequestContext>(
            system: system,
            tokens: authentication.tokens,
            settings: configuration.webSocket,
            clock: clock,
            starter: starter
        ).register(on: router)
        return router
    }

    /// The server: HTTP/1.1 with the WebSocket upgrade on the same router.
    public static func application(
        system: RevoSystem,
        authentication: Authentication,
        configuration: ServerConfiguration,
        clock: SystemClock,
        metrics: ServerMetrics,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = router(system: system, authentication: authentication, configuration: configuration, clock: clock, metrics: metrics)
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: router,
                configuration: .init(
                    ws: .init(
                        maxFrameSize: configuration.webSocket.maxFrameBytes,
                        autoPing: .enabled(timePeriod: configuration.webSocket.pingInterval),
                        closeTimeout: .seconds(5)
                    )
                )
            ),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "revo"),
            onServerRunning: onServerRunning,
            logger: logger
        )
    }
}
