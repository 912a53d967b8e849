public import Hummingbird
public import HummingbirdWebSocket
public import Logging
public import NIOCore

/// The request context of the API: Hummingbird's core context, the client's address (for rate limiting) and, behind
/// the auth middleware, the caller's verified identity.
public struct RevoRequestContext: IdentifiedRequestContext, RemoteAddressRequestContext, RequestIDContext, WebSocketRequestContext,
    InProcessUpgradeContext
{
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var identity: TokenService.Identity?
    public var requestID: String?
    public let webSocket: WebSocketHandlerReference<Self>
    public let inProcessUpgrade: InProcessUpgrade?

    /// A request from a server's channel.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.webSocket = .init()
        self.inProcessUpgrade = nil
    }

    /// A request handed to the router in process, without a channel: the client's address is given, and a WebSocket
    /// upgrade the router accepts is left in `upgrade` for the caller to run.
    public init(logger: Logger, remoteAddress: SocketAddress?, upgrade: InProcessUpgrade? = nil) {
        self.coreContext = .init(source: LoggerSource(logger: logger))
        self.remoteAddress = remoteAddress
        self.webSocket = .init()
        self.inProcessUpgrade = upgrade
    }

    private struct LoggerSource: RequestContextSource {
        var logger: Logger
    }
}

/// A context that may carry an in-process WebSocket upgrade (``InProcessUpgrade``).
public protocol InProcessUpgradeContext: RequestContext {
    var inProcessUpgrade: InProcessUpgrade? { get }
}
