import NIOCore
import NIOPosix

@testable import RevoLive

/// A WebSocket client that does nothing on its own, above all never answers a ping: it upgrades, then records every
/// frame until the server closes the connection.
enum RawWebSocket {
    struct Frame {
        var opcode: UInt8
        var payload: [UInt8]
        var closeCode: Int? {
            opcode == 0x8 && payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : nil
        }
        var closeReason: String? {
            opcode == 0x8 ? String(decoding: payload.dropFirst(2), as: UTF8.self) : nil
        }
    }

    static func framesUntilClosed(port: Int, path: String, headers: [String] = [], limit: Duration) async throws -> [Frame] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return try await withThrowingTaskGroup(of: [Frame].self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    let request =
                        "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        + headers.map { $0 + "\r\n" }.joined() + "\r\n"
                    try await outbound.write(ByteBuffer(string: request))
                    var bytes: [UInt8] = []
                    for try await chunk in inbound {
                        bytes += chunk.readableBytesView
                        // A close frame ends the conversation; this client never answers it (nor anything else).
                        if parse(bytes).last?.opcode == 0x8 { break }
                    }
                    return parse(bytes)
                }
            }
            group.addTask {
                try await Task.sleep(for: limit)
                throw CancellationError()
            }
            let frames = try await group.next() ?? []
            group.cancelAll()
            return frames
        }
    }

    /// Frames after the HTTP upgrade answer (server frames are unmasked).
    static func parse(_ bytes: [UInt8]) -> [Frame] {
        guard var rest = (try? WebSocketHandshake.answerHead(in: ByteBuffer(bytes: bytes)))??.rest else { return [] }
        var frames: [Frame] = []
        while let frame = try? WebSocketWire.read(from: &rest, maxPayload: 1 << 20) {
            frames.append(Frame(opcode: frame.opcode, payload: frame.payload))
        }
        return frames
    }
}
