import RevoCore

/// Writes events as JSON text frames to one socket.
struct EventWriter<Connection: SocketConnection>: Sendable {
    let connection: Connection

    func send(_ event: SocketEvent) async throws {
        try await connection.send(text: event.json)
    }
}
