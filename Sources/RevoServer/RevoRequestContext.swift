public import Hummingbird
public import NIOCore

/// The request context of the API: Hummingbird's core context plus the client's address (for rate limiting).
public struct RevoRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
