import DequeModule
import NIOCore
import RevoRuntime

/// One end of a proxied connection (the client's socket or the upstream's). It reads its peer's bytes, passes them
/// through the toxics of their stream, and writes them to the other end, its partner.
///
/// Both ends run on one event loop, so no state here is shared across threads. Without toxics, bytes go straight
/// through (written as read, flushed at the end of each read burst); with them, pieces wait in a queue ordered by
/// their delivery time, and reading pauses while more than ``queueLimit`` bytes wait, so a slow toxic holds memory
/// flat.
final class ProxySide: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let queueLimit = 1 << 20

    /// The stream this end's inbound bytes belong to.
    let stream: ToxicStream
    private let link: ProxyLink
    var partner: ProxySide?
    private var context: ChannelHandlerContext?
    private var eventLoop: (any EventLoop)?
    private var pendingRead = false

    private var toxics = ToxicSnapshot.empty
    /// The kinds of ``toxics`` for this end's stream, kept so a read without toxics allocates nothing.
    private var kinds: [ToxicKind] = []
    private var random: SeededRandom
    private var queue = Deque<(at: NIODeadline, piece: ByteBuffer)>()
    private var queuedBytes = 0
    private var nextFree = NIODeadline.uptimeNanoseconds(0)
    private var delivery: Scheduled<Void>?
    private var forwardedBytes = 0
    private var timeoutClose: Scheduled<Void>?
    private var reset: Scheduled<Void>?
    private var filter = ProtocolFilter()
    /// What to do once the queue has drained: close the partner (the peer closed; after slow_close's delay) or
    /// both ends (limit_data reached).
    private enum Finish {
        case closePartner(after: TimeAmount)
        case closeBoth
    }
    private var finish: Finish?
    private var closed = false

    init(stream: ToxicStream, link: ProxyLink) {
        self.stream = stream
        self.link = link
        self.random = link.random.split(stream.rawValue)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.eventLoop = context.eventLoop
        // The upstream end is set up first; its reads wait until this end can take what it reads.
        partner?.resumeReading()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        // Queued bytes still go to the partner; the pair's reference cycle breaks once they have.
        if queue.isEmpty { partner = nil }
    }

    // MARK: Inbound: the peer's bytes

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard let partner, !closed else { return }
        let kinds = currentToxics()
        if kinds.isEmpty, queue.isEmpty, filter.isIdle {
            partner.write(buffer)
            forwardedBytes += buffer.readableBytes
            return
        }
        let protocolToxics = kinds.filter(\.isProtocolAware)
        if !protocolToxics.isEmpty || !filter.isIdle {
            var forward: ByteBuffer?
            for decision in filter.feed(buffer, toxics: protocolToxics, allocator: context.channel.allocator) {
                switch decision {
                case .forward(var piece):
                    if forward == nil { forward = piece } else { forward!.writeBuffer(&piece) }
                case .answer(let answer):
                    context.writeAndFlush(wrapOutboundOut(answer), promise: nil)
                }
            }
            guard let forward else { return }
            buffer = forward
        }
        send(buffer, through: kinds, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        timeoutClose?.cancel()
        reset?.cancel()
        finish = .closePartner(after: slowCloseDelay(currentToxics()))
        deliverDue()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Outbound: reading is paced by the partner's room

    func read(context: ChannelHandlerContext) {
        if let partner, partner.canTakeMore, queuedBytes < Self.queueLimit {
            context.read()
        } else {
            pendingRead = true
        }
    }

    // MARK: Toxics

    private func currentToxics() -> [ToxicKind] {
        let latest = link.toxics
        if latest.generation != toxics.generation {
            toxics = ToxicSnapshot(
                generation: latest.generation,
                toxics: latest.toxics.filter { $0.stream == stream && link.draws($0) }
            )
            kinds = toxics.toxics.map(\.kind)
            if !kinds.contains(where: \.isProtocolAware), let held = filter.drain(), let context {
                send(held, through: kinds, context: context)
            }
        }
        return kinds
    }

    private func send(_ input: ByteBuffer, through kinds: [ToxicKind], context: ChannelHandlerContext) {
        var buffer = input
        let now = NIODeadline.now()
        var delay = TimeAmount.zero
        var pieces = [buffer]
        var pieceGap = TimeAmount.zero
        var closeAfter = false
        for kind in kinds {
            switch kind {
            case .latency(let milliseconds, let jitter):
                let spread = jitter > 0 ? Int64(random.nextUnitInterval() * Double(2 * jitter + 1)) - Int64(jitter) : 0
                delay = delay + .milliseconds(max(0, Int64(milliseconds) + spread))
            case .timeout(let milliseconds):
                if milliseconds > 0, timeoutClose == nil {
                    timeoutClose = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(milliseconds))) { [self] in closeBoth() }
                }
                return
            case .resetPeer(let milliseconds):
                if reset == nil {
                    reset = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(milliseconds))) { [self] in link.resetClient() }
                }
            case .limitData(let bytes):
                let allowed = bytes - forwardedBytes
                guard allowed > 0 else {
                    closeBoth()
                    return
                }
                if buffer.readableBytes >= allowed {
                    buffer = buffer.getSlice(at: buffer.readerIndex, length: allowed)!
                    pieces = [buffer]
                    closeAfter = true
                }
            case .slicer(let average, let variation, let gapMicroseconds):
                pieces = slice(buffer, average: average, variation: variation)
                pieceGap = .microseconds(Int64(gapMicroseconds))
            case .bandwidth, .down, .slowClose, .redisError, .httpStatus:
                continue
            }
        }
        forwardedBytes += buffer.readableBytes
        let rate = kinds.lazy.compactMap { if case .bandwidth(let rate) = $0 { rate } else { nil } }.min()
        var at = max(now + delay, nextFree)
        for (index, piece) in pieces.enumerated() {
            if index > 0 { at = at + pieceGap }
            if let rate {
                // Bytes at `rate` KB/s; a zero rate lets nothing through until the toxic goes.
                guard rate > 0 else { return }
                at = at + .nanoseconds(Int64(piece.readableBytes) * 1_000_000_000 / (Int64(rate) * 1024))
            }
            queue.append((at, piece))
            queuedBytes += piece.readableBytes
        }
        nextFree = at
        if closeAfter { finish = .closeBoth }
        deliverDue()
    }

    private func slice(_ buffer: ByteBuffer, average: Int, variation: Int) -> [ByteBuffer] {
        var rest = buffer
        var pieces: [ByteBuffer] = []
        while rest.readableBytes > 0 {
            let spread = variation > 0 ? Int(random.nextUnitInterval() * Double(2 * variation + 1)) - variation : 0
            let size = min(rest.readableBytes, max(1, average + spread))
            pieces.append(rest.readSlice(length: size)!)
        }
        return pieces
    }

    private func slowCloseDelay(_ kinds: [ToxicKind]) -> TimeAmount {
        let milliseconds = kinds.lazy.compactMap { if case .slowClose(let delay) = $0 { delay } else { nil } }.max() ?? 0
        return .milliseconds(Int64(milliseconds))
    }

    // MARK: The delivery queue

    private func deliverDue() {
        delivery?.cancel()
        delivery = nil
        let now = NIODeadline.now()
        var wrote = false
        while let head = queue.first, head.at <= now {
            queue.removeFirst()
            queuedBytes -= head.piece.readableBytes
            partner?.write(head.piece)
            wrote = true
        }
        if wrote { partner?.flush() }
        if let head = queue.first {
            delivery = eventLoop?.assumeIsolated().scheduleTask(deadline: head.at) { [self] in deliverDue() }
            return
        }
        switch finish {
        case nil: break
        case .closeBoth:
            closeBoth()
            return
        case .closePartner(let delay):
            partner?.peerClosed(slowClose: delay)
            if context == nil { partner = nil }
            return
        }
        if queuedBytes < Self.queueLimit { resumeReading() }
    }

    // MARK: Called by the partner

    fileprivate var canTakeMore: Bool {
        context?.channel.isWritable ?? false
    }

    fileprivate func write(_ buffer: ByteBuffer) {
        context?.write(wrapOutboundOut(buffer), promise: nil)
    }

    fileprivate func flush() {
        context?.flush()
    }

    fileprivate func resumeReading() {
        guard pendingRead, let context else { return }
        pendingRead = false
        context.read()
    }

    /// The partner's peer closed and everything it sent has been delivered: close this end, after slow_close's delay.
    fileprivate func peerClosed(slowClose: TimeAmount) {
        guard context != nil else { return }
        if slowClose > .zero {
            eventLoop?.assumeIsolated().scheduleTask(in: slowClose) { [self] in closeAfterPendingWrites() }
        } else {
            closeAfterPendingWrites()
        }
    }

    /// Closes once everything already written has reached the socket: a plain close would drop writes still queued
    /// in the channel (the tail of a transfer whose sender has just closed).
    fileprivate func closeAfterPendingWrites() {
        guard let context else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).assumeIsolated().whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }

    func closeBoth() {
        closeAfterPendingWrites()
        partner?.closeAfterPendingWrites()
    }
}
