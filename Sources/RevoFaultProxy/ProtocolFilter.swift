import NIOCore

/// Splits the client's byte stream into requests for the protocol-aware toxics and decides, request by request,
/// whether to forward it or to answer it here.
///
/// Injected answers are written as the request arrives. A client that pipelines (sends a request before the
/// previous answer came back) could see an injected answer ahead of an earlier forwarded one; the clients this proxy
/// serves here (hiredis, HTTP/1.1 without pipelining) wait for each answer.
struct ProtocolFilter {
    enum Decision {
        case forward(ByteBuffer)
        case answer(ByteBuffer)
    }

    private var pending: ByteBuffer?
    /// HTTP: bytes of the current request's body still to come, and whether they are forwarded.
    private var httpBody: (remaining: Int, forward: Bool)?
    /// Set when the stream cannot be split (chunked HTTP bodies, garbage): everything after is forwarded as is.
    private var passthrough = false

    var isIdle: Bool { pending == nil && httpBody == nil }

    /// Feeds bytes; returns the decisions in stream order. Requests not yet complete wait for more bytes.
    mutating func feed(_ buffer: ByteBuffer, toxics: [ToxicKind], allocator: ByteBufferAllocator) -> [Decision] {
        if passthrough { return [.forward(buffer)] }
        var input = buffer
        if var pending = self.pending {
            pending.writeImmutableBuffer(buffer)
            input = pending
            self.pending = nil
        }
        var decisions: [Decision] = []
        while input.readableBytes > 0 {
            if let body = httpBody {
                let take = min(body.remaining, input.readableBytes)
                let slice = input.readSlice(length: take)!
                if body.forward { decisions.append(.forward(slice)) }
                httpBody = body.remaining - take > 0 ? (body.remaining - take, body.forward) : nil
                continue
            }
            guard let first = input.getInteger(at: input.readerIndex, as: UInt8.self) else { break }
            let step: Step
            if first == UInt8(ascii: "*") {
                step = redisCommand(&input, toxics: toxics, allocator: allocator)
            } else if let httpStep = httpRequest(&input, toxics: toxics, allocator: allocator) {
                step = httpStep
            } else {
                step = .passthrough
            }
            switch step {
            case .needMore:
                pending = input
                return decisions
            case .passthrough:
                passthrough = true
                decisions.append(.forward(input))
                return decisions
            case .decided(let decision):
                decisions.append(decision)
            }
        }
        return decisions
    }

    /// Whatever is held back, for when the protocol-aware toxics are removed.
    mutating func drain() -> ByteBuffer? {
        defer { pending = nil }
        return pending
    }

    private enum Step {
        case needMore
        case passthrough
        case decided(Decision)
    }

    // MARK: Redis (RESP arrays of bulk strings, as every client library sends commands)

    private func redisCommand(_ input: inout ByteBuffer, toxics: [ToxicKind], allocator: ByteBufferAllocator) -> Step {
        let start = input.readerIndex
        var cursor = input
        guard let count = Self.readLengthLine(&cursor, marker: "*") else { return Self.incompleteOrGarbage(cursor) }
        var name = ""
        for index in 0..<max(count, 0) {
            guard let length = Self.readLengthLine(&cursor, marker: "$") else { return Self.incompleteOrGarbage(cursor) }
            guard cursor.readableBytes >= length + 2 else { return .needMore }
            if index == 0 { name = (cursor.getString(at: cursor.readerIndex, length: length) ?? "").uppercased() }
            cursor.moveReaderIndex(forwardBy: length + 2)
        }
        let length = cursor.readerIndex - start
        let request = input.readSlice(length: length)!
        for case .redisError(let commands, let error) in toxics where commands.isEmpty || commands.contains(name) {
            var answer = allocator.buffer(capacity: error.utf8.count + 3)
            answer.writeString("-\(error)\r\n")
            return .decided(.answer(answer))
        }
        return .decided(.forward(request))
    }

    /// Reads `<marker><digits>\r\n`; nil when incomplete or malformed (told apart by ``incompleteOrGarbage(_:)``).
    private static func readLengthLine(_ cursor: inout ByteBuffer, marker: Character) -> Int? {
        guard let line = cursor.readableBytesView.firstRange(of: [13, 10]) else { return nil }
        let text = cursor.getString(at: cursor.readerIndex, length: line.lowerBound - cursor.readerIndex) ?? ""
        guard text.first == marker, let number = Int(text.dropFirst()) else { return nil }
        cursor.moveReaderIndex(to: line.upperBound)
        return number
    }

    private static func incompleteOrGarbage(_ cursor: ByteBuffer) -> Step {
        cursor.readableBytesView.firstRange(of: [13, 10]) == nil && cursor.readableBytes < 64 * 1024 ? .needMore : .passthrough
    }

    // MARK: HTTP/1.1 requests

    private mutating func httpRequest(_ input: inout ByteBuffer, toxics: [ToxicKind], allocator: ByteBufferAllocator) -> Step? {
        guard let first = input.getInteger(at: input.readerIndex, as: UInt8.self), (65...90).contains(first) else { return nil }
        guard let end = input.readableBytesView.firstRange(of: [13, 10, 13, 10]) else {
            return input.readableBytes < 64 * 1024 ? .needMore : .passthrough
        }
        let headLength = end.upperBound - input.readerIndex
        let head = input.getString(at: input.readerIndex, length: headLength) ?? ""
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: true)
        let requestLine = lines.first?.split(separator: " ") ?? []
        guard requestLine.count == 3 else { return .passthrough }
        let path = String(requestLine[1])
        var contentLength = 0
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let field = parts[0].lowercased()
            let value = parts[1].drop(while: { $0 == " " })
            if field == "content-length" { contentLength = Int(value) ?? 0 }
            if field == "transfer-encoding", value.lowercased().contains("chunked") { return .passthrough }
        }
        let request = input.readSlice(length: headLength)!
        for case .httpStatus(let prefix, let status, let retryAfter, let body) in toxics where path.hasPrefix(prefix) {
            if contentLength > 0 { httpBody = (contentLength, false) }
            var answer = allocator.buffer(capacity: 256 + body.utf8.count)
            answer.writeString("HTTP/1.1 \(status) \(Self.reason(status))\r\ncontent-type: application/json\r\n")
            answer.writeString("content-length: \(body.utf8.count)\r\nx-revo-proxy: injected\r\n")
            if let retryAfter { answer.writeString("retry-after: \(retryAfter)\r\n") }
            answer.writeString("\r\n\(body)")
            return .decided(.answer(answer))
        }
        if contentLength > 0 { httpBody = (contentLength, true) }
        return .decided(.forward(request))
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 408: "Request Timeout"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Injected"
        }
    }
}
