import NIOCore
import RevoCore
import RevoRuntime

/// The simulation's transport: requests handed to the application in process, and each accepted WebSocket served by
/// ``ChatSocket`` as a task of the simulation, over a pair of frame queues.
struct InProcessTransport: ClientTransport {
    let server: InProcessServer
    let starter: any TaskStarter

    func send(_ call: HTTPCall, from address: SocketAddress?) async -> HTTPAnswer {
        await server.send(call, from: address)
    }

    func upgrade(_ call: HTTPCall, from address: SocketAddress?, name: String) async -> SocketUpgrade {
        let (answer, session) = await server.upgrade(call, from: address)
        guard let session else { return .refused(answer) }
        let socket = InProcessSocket()
        starter.start(name) { await session(socket.server) }
        return .accepted(socket)
    }
}
