import CHiredis
import RevoCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One blocking hiredis connection. Only ever used by one thread at a time: ``RedisClient`` hands it to a job on its
/// own thread pool and takes it back afterwards, so no call here blocks a server's event loop.
final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>
    /// Set once an I/O error leaves the connection in an unknown state; it is then closed and replaced.
    private(set) var isBroken = false

    init(_ url: RedisURL, connectTimeout: Duration, commandTimeout: Duration) throws(StoreError) {
        guard let context = redisConnectWithTimeout(url.host, Int32(url.port), Self.timeValue(connectTimeout)) else {
            throw .unavailable("redis \(url.host):\(url.port): cannot allocate a connection")
        }
        self.context = context
        if context.pointee.err != 0 {
            // No redisFree here: every stored property is set, so throwing runs deinit, which frees the context.
            let error = Self.contextError(context, doing: "connect to \(url.host):\(url.port)")
            // A connect that did not finish in time is an unreachable server, not a slow command.
            if case .timeout(let detail) = error { throw .unavailable(detail) }
            throw error
        }
        redisSetTimeout(context, Self.timeValue(commandTimeout))
        if let password = url.password {
            try expectOK(try command(["AUTH", password]), doing: "AUTH")
        }
        if url.database != 0 {
            try expectOK(try command(["SELECT", String(url.database)]), doing: "SELECT \(url.database)")
        }
    }

    deinit {
        redisFree(context)
    }

    /// Sends one command and waits for its reply (at most the command timeout).
    func command(_ arguments: [String]) throws(StoreError) -> RedisReply {
        let bytes = arguments.map { Array($0.utf8) }
        let raw: UnsafeMutableRawPointer? = bytes.withUnsafeBufferPointers { pointers, lengths in
            redisCommandArgv(context, Int32(pointers.count), pointers.baseAddress, lengths.baseAddress)
        }
        guard let raw else {
            isBroken = true
            throw Self.contextError(context, doing: arguments.first ?? "command")
        }
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(raw) }
        return Self.copy(reply)
    }

    private func expectOK(_ reply: RedisReply, doing what: String) throws(StoreError) {
        if case .error(let message) = reply {
            isBroken = true
            throw RedisErrorMapping.storeError(forReply: message, command: what)
        }
    }

    private static func copy(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let value = reply.pointee
        func text() -> String {
            guard let str = value.str else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: str, count: Int(value.len)), as: UTF8.self)
        }
        switch value.type {
        case REDIS_REPLY_STRING: return .string(text())
        case REDIS_REPLY_STATUS: return .status(text())
        case REDIS_REPLY_ERROR: return .error(text())
        case REDIS_REPLY_INTEGER: return .integer(value.integer)
        case REDIS_REPLY_ARRAY:
            return .array((0..<Int(value.elements)).compactMap { index in value.element[index].map(copy) })
        default: return .null
        }
    }

    /// hiredis's error on the context, as RevoCore's store error: a timeout, or the server being unreachable.
    private static func contextError(_ context: UnsafeMutablePointer<redisContext>, doing what: String) -> StoreError {
        let message = withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        let code = context.pointee.err
        if code == REDIS_ERR_IO, errno == EAGAIN || errno == EWOULDBLOCK || errno == ETIMEDOUT {
            return .timeout("redis \(what): no answer in time")
        }
        if code == REDIS_ERR_EOF { return .unavailable("redis \(what): the server closed the connection") }
        return .unavailable("redis \(what): \(message.isEmpty ? "error \(code)" : message)")
    }

    private static func timeValue(_ duration: Duration) -> timeval {
        let (seconds, attoseconds) = duration.components
        return timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}

extension Array where Element == [UInt8] {
    /// C pointers to every element and their lengths, valid inside `body`.
    fileprivate func withUnsafeBufferPointers<R>(
        _ body: (UnsafeMutableBufferPointer<UnsafePointer<CChar>?>, UnsafeBufferPointer<Int>) -> R
    ) -> R {
        var pointers: [UnsafePointer<CChar>?] = []
        pointers.reserveCapacity(count)
        func nest(_ index: Int) -> R {
            guard index < count else {
                return pointers.withUnsafeMutableBufferPointer { pointerBuffer in
                    map(\.count).withUnsafeBufferPointer { lengths in body(pointerBuffer, lengths) }
                }
            }
            return self[index].withUnsafeBufferPointer { buffer in
                pointers.append(buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) })
                return nest(index + 1)
            }
        }
        return nest(0)
    }
}
