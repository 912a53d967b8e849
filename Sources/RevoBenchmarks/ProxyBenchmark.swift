public import NIOCore
public import NIOPosix
import RevoFaultProxy
import Synchronization

/// The proxy's cost with no toxics, against a direct connection on the same machine: bulk throughput (one connection
/// streaming into a sink) and the round-trip time of one-byte pings (its p50 and p99).
public struct ProxyBenchmark: Sendable {
    public struct Figures: Sendable {
        public var bytesPerSecond: Double
        public var roundTripP50: Duration
        public var roundTripP99: Duration
    }

    public struct Result: Sendable {
        public var direct: Figures
        public var proxied: Figures
        /// The proxy's added p50 round trip: proxied minus direct.
        public var addedP50: Duration { proxied.roundTripP50 - direct.roundTripP50 }
    }

    public var bytes: Int
    public var pings: Int

    public init(bytes: Int = 2 << 30, pings: Int = 20_000) {
        self.bytes = bytes
        self.pings = pings
    }

    /// `tools` runs the client and the servers, `proxying` the proxy: one thread each by default, so on a small
    /// machine the proxy has a core to itself instead of competing with what measures it.
    public func run(
        tools: any EventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1),
        proxying: any EventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    ) async throws -> Result {
        let group = tools
        let finished = SinkFinished()
        let sink = try await Self.server(group: group) { Sink(finished: finished) }
        let echo = try await Self.server(group: group) { Echo() }
        let proxy = FaultProxy(group: proxying)
        let sinkProxy = try await proxy.create(ProxyDefinition(name: "sink", listen: "127.0.0.1:0", upstream: "127.0.0.1:\(sink.port)"))
        let echoProxy = try await proxy.create(ProxyDefinition(name: "echo", listen: "127.0.0.1:0", upstream: "127.0.0.1:\(echo.port)"))
        defer { _ = (sink.channel.close(), echo.channel.close()) }
        let direct = Figures(
            bytesPerSecond: try await throughput(port: sink.port, finished: finished, group: group),
            roundTrip: try await roundTrips(port: echo.port, group: group)
        )
        let proxied = Figures(
            bytesPerSecond: try await throughput(port: sinkProxy.listenPort, finished: finished, group: group),
            roundTrip: try await roundTrips(port: echoProxy.listenPort, group: group)
        )
        await proxy.shutdown()
        return Result(direct: direct, proxied: proxied)
    }

    private static func server<H: ChannelHandler>(
        group: any EventLoopGroup,
        _ handler: @escaping @Sendable () -> H
    ) async throws -> (channel: any Channel, port: Int) {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler()) }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return (channel, channel.localAddress?.port ?? 0)
    }

    /// Streams `bytes` into the sink; bytes over the time until the sink has read them all and seen the close.
    private func throughput(port: Int, finished: SinkFinished, group: any EventLoopGroup) async throws -> Double {
        let received = group.next().makePromise(of: Int.self)
        finished.promise.withLock { $0 = received }
        let start = ContinuousClock.now
        let total = bytes
        _ = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Streamer(total: total)) }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        let count = try await received.futureResult.get()
        guard count == bytes else { throw ChannelError.eof }
        return Double(count) / (ContinuousClock.now - start).seconds
    }

    private func roundTrips(port: Int, group: any EventLoopGroup) async throws -> (p50: Duration, p99: Duration) {
        let done = group.next().makePromise(of: [Duration].self)
        let count = pings
        _ = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Pinger(count: count, done: done)) }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        let samples = try await done.futureResult.get().sorted()
        return (samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)])
    }
}

extension ProxyBenchmark.Figures {
    init(bytesPerSecond: Double, roundTrip: (p50: Duration, p99: Duration)) {
        self.init(bytesPerSecond: bytesPerSecond, roundTripP50: roundTrip.p50, roundTripP99: roundTrip.p99)
    }
}

/// Where the sink reports how many bytes a connection brought, when it closes.
private final class SinkFinished: Sendable {
    let promise = Mutex<EventLoopPromise<Int>?>(nil)
}

/// Counts what arrives and reports the count when the sender closes.
private final class Sink: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let finished: SinkFinished
    private var received = 0

    init(finished: SinkFinished) { self.finished = finished }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += unwrapInboundIn(data).readableBytes
    }

    func channelInactive(context: ChannelHandlerContext) {
        let received = self.received
        finished.promise.withLock { promise in
            promise?.succeed(received)
            promise = nil
        }
    }
}

private final class Echo: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.write(data, promise: nil) }
    func channelReadComplete(context: ChannelHandlerContext) { context.flush() }
}

/// Writes `total` bytes in 64 KB buffers as fast as the socket takes them, then closes.
private final class Streamer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let total: Int
    private var sent = 0
    private var chunk: ByteBuffer?

    init(total: Int) { self.total = total }

    func channelActive(context: ChannelHandlerContext) {
        chunk = context.channel.allocator.buffer(repeating: 0x61, count: 64 * 1024)
        pump(context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        pump(context)
    }

    private func pump(_ context: ChannelHandlerContext) {
        guard let chunk else { return }
        while context.channel.isWritable, sent < total {
            sent += chunk.readableBytes
            context.write(wrapOutboundOut(chunk), promise: nil)
        }
        context.flush()
        if sent >= total {
            self.chunk = nil
            // Close once everything written has reached the socket, i.e. when the last write completes.
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
                bound.value.close(promise: nil)
            }
        }
    }
}

/// Sends one byte, waits for it to come back, `count` times; reports each round trip.
private final class Pinger: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let count: Int
    private let done: EventLoopPromise<[Duration]>
    private var samples: [Duration] = []
    private var sentAt = ContinuousClock.now

    init(count: Int, done: EventLoopPromise<[Duration]>) {
        self.count = count
        self.done = done
        samples.reserveCapacity(count)
    }

    func channelActive(context: ChannelHandlerContext) {
        ping(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        samples.append(ContinuousClock.now - sentAt)
        if samples.count >= count {
            done.succeed(samples)
            context.close(promise: nil)
        } else {
            ping(context)
        }
    }

    private func ping(_ context: ChannelHandlerContext) {
        sentAt = ContinuousClock.now
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(repeating: 0x70, count: 1)), promise: nil)
    }
}
