import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A socket bound to a disabled proxy's address without listening. Connections to it are refused, as Toxiproxy's
/// are, but no other socket can take the port meanwhile: an outgoing connection's system-chosen port would otherwise
/// land on a port chosen by the system for the proxy, and re-enabling it would fail to bind.
final class PortReservation: Sendable {
    private let descriptor: Int32

    /// Binds `address` with `SO_REUSEADDR`, which a later listener with the same option may share; nil when the
    /// address cannot be bound (the listener's own bind then says why).
    init?(_ address: SocketAddress) {
        #if canImport(Darwin)
        let descriptor = socket(Int32(address.protocol.rawValue), SOCK_STREAM, 0)
        #else
        let descriptor = socket(Int32(address.protocol.rawValue), Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard descriptor >= 0 else { return nil }
        var on: Int32 = 1
        let bound =
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size)) == 0
            && address.withSockAddr { bind(descriptor, $0, socklen_t($1)) } == 0
        guard bound else {
            _ = close(descriptor)
            return nil
        }
        self.descriptor = descriptor
    }

    deinit { _ = close(descriptor) }
}
