public import Hummingbird
public import HummingbirdWebSocket
public import NIOCore

/// The request context of the API: Hummingbird's core context, the client's address (for rate limiting) and, behind
/// the auth middleware, the caller's verified identity.
public struct RevoRequestContext: IdentifiedRequestContext, RemoteAddressRequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var identity: TokenService.Identity?
    public let webSocket: WebSocketHandlerReference<Self>

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.webSocket = .init()
    }
}
