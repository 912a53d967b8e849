import NIOCore
import NIOPosix

/// An upstream that sends back what it receives, and closes when a chunk starts with `QUIT`.
struct EchoServer {
    let channel: any Channel
    var port: Int { channel.localAddress!.port! }

    static func start() async throws -> EchoServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Echo()) }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return EchoServer(channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Echo: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            if buffer.getString(at: buffer.readerIndex, length: min(4, buffer.readableBytes)) == "QUIT" {
                context.close(promise: nil)
                return
            }
            context.write(data, promise: nil)
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            context.flush()
        }
    }
}
