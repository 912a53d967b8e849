import NIOCore
import NIOPosix
import RevoRuntime
import Synchronization

/// One running proxy: its listener, its open connections and its toxics. Changes come from ``FaultProxy`` (one at a
/// time); connections read the toxics on their event loops through ``snapshot``.
final class ProxyInstance: Sendable {
    struct StoredToxic {
        var toxic: Toxic
        /// Tells a re-added toxic of the same name from the one a `duration_ms` timer was set for.
        var id: UInt64
    }

    struct State {
        var definition: ProxyDefinition
        var toxics: [StoredToxic] = []
        var snapshot = ToxicSnapshot.empty
        var server: (any Channel)?
        /// Holds a disabled proxy's port until it listens again.
        var reservation: PortReservation?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var accepted: UInt64 = 0
        var nextToxicID: UInt64 = 0
    }

    static let reads = AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 64 * 1024, maximum: 1024 * 1024)
    /// Room for a couple of those reads in the other end's write buffer before reading pauses (NIO's default, 64 KB,
    /// would pause after every large read).
    static let waterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 1 << 20, high: 4 << 20)

    let name: String
    let random: SeededRandom
    private let group: any EventLoopGroup
    private let state: Mutex<State>

    init(definition: ProxyDefinition, group: any EventLoopGroup, random: SeededRandom) {
        self.name = definition.name
        self.group = group
        self.random = random.split("proxy.\(definition.name)")
        self.state = Mutex(State(definition: definition))
    }

    var snapshot: ToxicSnapshot { state.withLock { $0.snapshot } }

    var definition: ProxyDefinition {
        state.withLock { s in
            var definition = s.definition
            definition.toxics = s.toxics.map(\.toxic)
            return definition
        }
    }

    /// The id a toxic was stored with, to tell it from a later one of the same name.
    func storedID(of toxic: String) -> UInt64? {
        state.withLock { s in s.toxics.first { $0.toxic.name == toxic }?.id }
    }

    var openConnections: Int { state.withLock { $0.connections.count } / 2 }

    // MARK: Changes

    func replaceToxics(_ change: (inout [StoredToxic], () -> UInt64) throws(ToxicError) -> Void) throws(ToxicError) {
        try state.withLock { (s) throws(ToxicError) in
            var toxics = s.toxics
            var nextID = s.nextToxicID
            try change(&toxics) {
                nextID += 1
                return nextID
            }
            s.toxics = toxics
            s.nextToxicID = nextID
            s.snapshot = ToxicSnapshot(
                generation: s.snapshot.generation + 1,
                toxics: toxics.map { ActiveToxic(name: $0.toxic.name, kind: $0.toxic.kind, stream: $0.toxic.stream, toxicity: $0.toxic.toxicity) }
            )
        }
    }

    func update(_ change: (inout ProxyDefinition) -> Void) {
        state.withLock { change(&$0.definition) }
    }

    /// Whether the proxy should accept connections now: enabled, and no `down` toxic.
    private var shouldListen: Bool {
        state.withLock { s in s.definition.enabled && !s.toxics.contains { $0.toxic.kind == .down } }
    }

    /// Opens or closes the listener to match the definition; closing drops every open connection, as Toxiproxy does.
    func reconcile() async throws(ToxicError) {
        let listening = state.withLock { $0.server != nil }
        if shouldListen, !listening {
            try await listen()
        } else if !shouldListen, listening {
            await close()
            reservePort()
        }
    }

    /// Closes the listener and every connection; the port is given up (see ``reservePort()``).
    func close() async {
        let (server, connections) = state.withLock { s in
            defer {
                s.server = nil
                s.reservation = nil
                s.connections = [:]
            }
            return (s.server, Array(s.connections.values))
        }
        try? await server?.close()
        for connection in connections { connection.close(promise: nil) }
    }

    /// Keeps the closed listener's port bound, without listening, so it is still free when the proxy is enabled again.
    private func reservePort() {
        let listen = state.withLock { $0.definition.listen }
        guard let parsed = try? ProxyAddress.parse(listen, field: "listen"),
            let address = try? SocketAddress.makeAddressResolvingHost(parsed.host, port: parsed.port)
        else { return }
        let reservation = PortReservation(address)
        state.withLock { $0.reservation = reservation }
    }

    private func listen() async throws(ToxicError) {
        let listenText = state.withLock { $0.definition.listen }
        let address = try ProxyAddress.parse(listenText, field: "listen")
        let server: any Channel
        do {
            server = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                // Reads of up to 1 MB: bulk transfers take a few large reads instead of many 64 KB ones.
                .childChannelOption(.recvAllocator, value: Self.reads)
                .childChannelOption(.writeBufferWaterMark, value: Self.waterMark)
                .childChannelInitializer { [self] child in accept(child) }
                .bind(host: address.host, port: address.port)
                .get()
        } catch {
            throw .listenFailed(listenText, "\(error)")
        }
        let port = server.localAddress?.port ?? address.port
        state.withLock { s in
            s.server = server
            s.reservation = nil
            // A port chosen by the system stays this proxy's port, so re-enabling it opens the same one.
            s.definition.listen = "\(address.host):\(port)"
        }
    }

    private func accept(_ client: any Channel) -> EventLoopFuture<Void> {
        let (index, upstream) = state.withLock { s in
            s.accepted += 1
            return (s.accepted, s.definition.upstream)
        }
        guard let target = try? ProxyAddress.parse(upstream, field: "upstream") else {
            return client.eventLoop.makeFailedFuture(ToxicError.invalidField("upstream", upstream))
        }
        let link = ProxyLink(proxy: self, client: client, index: index)
        let clientSide = ProxySide(stream: .upstream, link: link)
        let serverSide = ProxySide(stream: .downstream, link: link)
        clientSide.partner = serverSide
        serverSide.partner = clientSide
        let loopBound = NIOLoopBound((clientSide, serverSide), eventLoop: client.eventLoop)
        return ClientBootstrap(group: client.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.recvAllocator, value: Self.reads)
            .channelOption(.writeBufferWaterMark, value: Self.waterMark)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(loopBound.value.1) }
            }
            .connect(host: target.host, port: target.port)
            .flatMapThrowing { [self] server in
                try client.pipeline.syncOperations.addHandler(loopBound.value.0)
                track(client)
                track(server)
            }
            .flatMapErrorThrowing { error in
                // Nothing listens upstream: the client sees its connection closed, as with Toxiproxy.
                client.close(promise: nil)
                throw error
            }
    }

    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let open = state.withLock { s in
            guard s.server != nil else { return false }
            s.connections[id] = channel
            return true
        }
        guard open else {
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { [self] _ in _ = state.withLock { $0.connections.removeValue(forKey: id) } }
    }
}
