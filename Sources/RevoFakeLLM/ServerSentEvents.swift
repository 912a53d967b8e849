import Foundation
import NIOCore

/// `text/event-stream` framing: `event:` (Anthropic names its events) and one `data:` line per event.
enum ServerSentEvents {
    static func event(_ name: String?, json: [String: Any]) -> ByteBuffer {
        let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data("{}".utf8)
        return event(name, data: String(decoding: data, as: UTF8.self))
    }

    static func event(_ name: String?, data: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        if let name { buffer.writeString("event: \(name)\n") }
        buffer.writeString("data: \(data)\n\n")
        return buffer
    }

    static func json(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
    }
}
