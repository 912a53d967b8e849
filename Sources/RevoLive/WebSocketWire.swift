import NIOCore
import RevoScenarios

/// RFC 6455 frames as a client writes and reads them: every frame it sends is masked, none it receives may be.
enum WebSocketWire {
    struct Frame: Equatable {
        var fin: Bool
        var opcode: UInt8
        var payload: [UInt8]
    }

    enum Opcode {
        static let continuation: UInt8 = 0x0
        static let text: UInt8 = 0x1
        static let binary: UInt8 = 0x2
        static let close: UInt8 = 0x8
        static let ping: UInt8 = 0x9
        static let pong: UInt8 = 0xA
    }

    struct ProtocolViolation: Error, CustomStringConvertible {
        let description: String
    }

    /// One final frame, masked with `mask`.
    static func write(opcode: UInt8, payload: [UInt8], mask: [UInt8], into buffer: inout ByteBuffer) {
        precondition(mask.count == 4, "a masking key is 4 bytes")
        buffer.writeInteger(0x80 | opcode)
        switch payload.count {
        case ..<126: buffer.writeInteger(0x80 | UInt8(payload.count))
        case ..<65536:
            buffer.writeInteger(UInt8(0x80 | 126))
            buffer.writeInteger(UInt16(payload.count))
        default:
            buffer.writeInteger(UInt8(0x80 | 127))
            buffer.writeInteger(UInt64(payload.count))
        }
        buffer.writeBytes(mask)
        buffer.writeBytes(payload.enumerated().map { $0.element ^ mask[$0.offset & 3] })
    }

    /// The next whole frame at the front of `buffer` (consumed), or nil when more bytes are needed.
    static func read(from buffer: inout ByteBuffer, maxPayload: Int) throws(ProtocolViolation) -> Frame? {
        var view = buffer
        guard let first = view.readInteger(as: UInt8.self), let second = view.readInteger(as: UInt8.self) else { return nil }
        guard second & 0x80 == 0 else { throw ProtocolViolation(description: "the server sent a masked frame") }
        var length = Int(second & 0x7F)
        if length == 126 {
            guard let extended = view.readInteger(as: UInt16.self) else { return nil }
            length = Int(extended)
        } else if length == 127 {
            guard let extended = view.readInteger(as: UInt64.self) else { return nil }
            guard extended <= UInt64(maxPayload) else { throw oversize(extended, maxPayload) }
            length = Int(extended)
        }
        guard length <= maxPayload else { throw oversize(UInt64(length), maxPayload) }
        guard let payload = view.readBytes(length: length) else { return nil }
        buffer = view
        return Frame(fin: first & 0x80 != 0, opcode: first & 0x0F, payload: payload)
    }

    private static func oversize(_ length: UInt64, _ limit: Int) -> ProtocolViolation {
        ProtocolViolation(description: "a frame of \(length) bytes is over the client's limit of \(limit)")
    }
}
