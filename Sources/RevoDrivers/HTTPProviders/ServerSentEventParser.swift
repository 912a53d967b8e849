import NIOCore

/// Splits a `text/event-stream` body into events as its bytes arrive in arbitrary pieces.
struct ServerSentEventParser {
    struct Event: Equatable {
        var name: String?
        var data: String
    }

    private var buffer: [UInt8] = []

    /// Feeds bytes; returns the events they completed.
    mutating func feed(_ bytes: ByteBuffer) -> [Event] {
        buffer.append(contentsOf: bytes.readableBytesView)
        var events: [Event] = []
        while let end = Self.eventEnd(in: buffer) {
            let block = String(decoding: buffer[..<end.start], as: UTF8.self)
            buffer.removeFirst(end.next)
            var name: String?
            var data: [Substring] = []
            for line in block.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
                if line.hasPrefix(":") { continue }  // a comment (keep-alive)
                let (field, value) = Self.split(line)
                switch field {
                case "event": name = String(value)
                case "data": data.append(value)
                default: continue
                }
            }
            if !data.isEmpty { events.append(Event(name: name, data: data.joined(separator: "\n"))) }
        }
        return events
    }

    /// Where the first blank line is: the end of the event's text and the start of the next event.
    private static func eventEnd(in bytes: [UInt8]) -> (start: Int, next: Int)? {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 10, bytes[index + 1] == 10 { return (index, index + 2) }
            if index + 3 < bytes.count, bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 {
                return (index, index + 4)
            }
            index += 1
        }
        return nil
    }

    private static func split(_ line: Substring) -> (Substring, Substring) {
        guard let colon = line.firstIndex(of: ":") else { return (line, "") }
        var value = line[line.index(after: colon)...]
        if value.first == " " { value = value.dropFirst() }
        return (line[..<colon], value)
    }
}
