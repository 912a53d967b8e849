import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP client for the tests: what a service's client sees through the proxy, byte for byte.
final class TestSocket {
    enum Failure: Error, Equatable {
        case refused
        case reset
        case timedOut
        case other(Int32)
    }

    private let fd: Int32

    init(port: Int, receiveTimeout: Duration = .seconds(5)) throws(Failure) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: Int(receiveTimeout.components.seconds), tv_usec: Int(receiveTimeout.components.attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            let code = errno
            close(fd)
            throw code == ECONNREFUSED ? .refused : .other(code)
        }
    }

    deinit {
        close(fd)
    }

    func send(_ text: String) {
        send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    /// Reads until `count` bytes arrived or the peer closed; throws on reset or timeout.
    func receive(_ count: Int) throws(Failure) -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while received.count < count {
            let read = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, min($0.count, count - received.count), 0) }
            if read == 0 { break }
            if read < 0 {
                switch errno {
                case ECONNRESET: throw .reset
                case EAGAIN, EWOULDBLOCK: throw .timedOut
                default: throw .other(errno)
                }
            }
            received += chunk[..<read]
        }
        return received
    }

    func receiveText(_ count: Int) throws(Failure) -> String {
        String(decoding: try receive(count), as: UTF8.self)
    }

    /// Reads until the peer closes; returns what arrived before.
    func receiveUntilClosed() throws(Failure) -> [UInt8] {
        try receive(Int.max)
    }
}
