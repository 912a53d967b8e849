import NIOCore

/// Who a request comes from, for the rate limit: the client's IP address without its port, kept as its bytes.
/// `SocketAddress.ipAddress` formats the address as text (through `sprintf` for IPv4) on every request.
struct ClientAddress: Hashable, Sendable {
    private enum Storage: Hashable {
        case v4(UInt32)
        case v6(UInt64, UInt64)
        case other(String)
    }

    private let storage: Storage

    init(_ address: SocketAddress?) {
        switch address {
        case .v4(let v4):
            storage = .v4(v4.address.sin_addr.s_addr)
        case .v6(let v6):
            storage = withUnsafeBytes(of: v6.address.sin6_addr) { bytes in
                .v6(bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            }
        case .unixDomainSocket:
            // No address to tell clients apart: they share one bucket.
            storage = .other("unix socket")
        case nil:
            storage = .other("unknown")
        }
    }
}
