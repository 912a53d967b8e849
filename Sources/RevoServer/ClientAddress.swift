import NIOCore

/// Who a request comes from, for the rate limit: the client's IP address without its port, kept as its bytes.
/// `SocketAddress.ipAddress` formats the address as text (through `sprintf` for IPv4) on every request.
struct ClientAddress: Hashable, Sendable, CustomStringConvertible {
    private enum Storage: Hashable {
        case v4(UInt32)
        case v6(UInt64, UInt64)
        case other(String)
    }

    private let storage: Storage

    /// An address given as its bytes (4 for IPv4, 16 for IPv6), as a forwarding header named it.
    init(bytes: [UInt8]) {
        if bytes.count == 4 {
            storage = .v4(bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
        } else if bytes.count == 16 {
            storage = bytes.withUnsafeBytes {
                .v6($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            }
        } else {
            storage = .other("unknown")
        }
    }

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

    /// The address as text, for logs: dotted for IPv4, eight hexadecimal groups for IPv6.
    var description: String {
        switch storage {
        case .v4(let raw):
            return withUnsafeBytes(of: raw) { $0.map(String.init).joined(separator: ".") }
        case .v6(let high, let low):
            return withUnsafeBytes(of: (high, low)) { bytes in
                stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                    .joined(separator: ":")
            }
        case .other(let text):
            return text
        }
    }
}
