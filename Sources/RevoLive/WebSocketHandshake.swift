import Crypto
import Foundation
import NIOCore
import RevoScenarios

/// The opening handshake of RFC 6455 §4, as a browser's `new WebSocket(url)` sends it, and the server's answer.
struct WebSocketHandshake {
    let host: String
    let port: Int
    /// Path and query, as sent on the request line.
    let target: String
    let key: String

    /// The server's answer to the handshake: its status line's code, its header fields and, unless it is 101, its
    /// body; after a 101 the bytes that followed the head, which are already WebSocket frames.
    struct Answer {
        var status: Int
        var headers: [(name: String, value: String)]
        var rest: ByteBuffer

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name }?.value
        }
    }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// A `ws://host[:port]/path?query` URL; the key is 16 random bytes in base64, as RFC 6455 asks.
    init(url: String, key: String = Self.randomKey()) throws(Malformed) {
        guard let components = URLComponents(string: url), components.scheme == "ws", let host = components.host else {
            throw Malformed(description: "\(url) is not a ws:// URL")
        }
        self.host = host
        self.port = components.port ?? 80
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        self.target = path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        self.key = key
    }

    static func randomKey() -> String {
        Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    }

    func request(headers: [(name: String, value: String)]) -> String {
        var lines = [
            "GET \(target) HTTP/1.1", "Host: \(host):\(port)", "Upgrade: websocket", "Connection: Upgrade",
            "Sec-WebSocket-Key: \(key)", "Sec-WebSocket-Version: 13",
        ]
        lines += headers.map { "\($0.name): \($0.value)" }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// What `Sec-WebSocket-Accept` must say for this key.
    var expectedAccept: String {
        let digest = Insecure.SHA1.hash(data: Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        return Data(digest).base64EncodedString()
    }

    /// The answer's head, once `buffer` holds all of it; nil while it does not. A head over 64 KiB is refused.
    static func answerHead(in buffer: ByteBuffer) throws(Malformed) -> Answer? {
        let bytes = buffer.readableBytesView
        guard let end = bytes.firstRange(of: [13, 10, 13, 10]) else {
            if bytes.count > 65536 { throw Malformed(description: "the server's answer has no end of head in 64 KiB") }
            return nil
        }
        let head = String(decoding: bytes[bytes.startIndex..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else {
            throw Malformed(description: "the server's answer does not start with an HTTP/1.1 status line: \(head.prefix(80))")
        }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var rest = buffer
        rest.moveReaderIndex(forwardBy: end.upperBound - bytes.startIndex)
        return Answer(status: status, headers: headers, rest: rest)
    }

    /// Why a 101 answer does not complete this handshake, or nil when it does.
    func refusal(of answer: Answer) -> String? {
        guard answer.header("upgrade")?.lowercased() == "websocket" else { return "the 101 has no Upgrade: websocket" }
        guard answer.header("sec-websocket-accept") == expectedAccept else { return "the 101's Sec-WebSocket-Accept is wrong" }
        return nil
    }
}
