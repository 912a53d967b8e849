import Foundation
import HTTPTypes
import NIOCore

/// The reverse proxies whose `Forwarded` / `X-Forwarded-For` headers say who the client is (`--trusted-proxy`).
/// From anyone else those headers are ignored: a client could otherwise pick its own rate-limit bucket.
public struct TrustedProxies: Sendable {
    /// An address range in CIDR notation: `10.0.0.0/8`, `::1/128`; a bare address is a range of one.
    public struct Range: Sendable, Equatable, CustomStringConvertible {
        let bytes: [UInt8]
        let prefix: Int

        public struct ParseError: Error, Sendable, CustomStringConvertible {
            public let text: String
            public var description: String {
                "'\(text)' is not an IP range in CIDR notation, such as 10.0.0.0/8, 192.168.1.7 or fd00::/8"
            }
        }

        public init(parsing text: String) throws(ParseError) {
            let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let bytes = TrustedProxies.bytes(of: String(parts[0])) else { throw ParseError(text: text) }
            let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
            guard let prefix, (0...bytes.count * 8).contains(prefix) else { throw ParseError(text: text) }
            self.bytes = bytes
            self.prefix = prefix
        }

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var left = prefix
            for index in bytes.indices where left > 0 {
                let bits = min(8, left)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if address[index] & mask != bytes[index] & mask { return false }
                left -= bits
            }
            return true
        }

        public var description: String {
            let address = bytes.count == 4 ? bytes.map(String.init).joined(separator: ".") : "\(bytes)"
            return "\(address)/\(prefix)"
        }
    }

    public let ranges: [Range]

    public init(_ ranges: [Range] = []) {
        self.ranges = ranges
    }

    /// Who sent the request: the peer, unless the peer is a trusted proxy; then the nearest hop in the forwarding
    /// headers that is not itself a trusted proxy.
    func client(of remote: SocketAddress?, headers: HTTPFields) -> ClientAddress {
        guard !ranges.isEmpty, let peer = remote.flatMap(Self.bytes(of:)), isTrusted(peer) else { return ClientAddress(remote) }
        let hops = Self.forwardedFor(headers)
        var client: [UInt8]?
        for hop in hops.reversed() {
            guard let address = Self.bytes(of: hop) else { break }
            client = address
            if !isTrusted(address) { break }
        }
        return client.map(ClientAddress.init(bytes:)) ?? ClientAddress(remote)
    }

    private func isTrusted(_ address: [UInt8]) -> Bool {
        ranges.contains { $0.contains(address) }
    }

    /// The forwarding chain, client first: RFC 7239's `Forwarded: for=…` when present, else `X-Forwarded-For`.
    static func forwardedFor(_ headers: HTTPFields) -> [String] {
        let forwarded = headers[values: .forwarded]
        if !forwarded.isEmpty {
            return forwarded.flatMap { $0.split(separator: ",") }.compactMap { element in
                element.split(separator: ";").lazy.map { $0.trimmingCharacters(in: .whitespaces) }
                    .first { $0.lowercased().hasPrefix("for=") }
                    .map { String($0.dropFirst(4)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
        }
        return headers[values: .xForwardedFor].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The bytes of a textual address: `192.0.2.1`, `192.0.2.1:80`, `2001:db8::1`, `[2001:db8::1]:443`; nil otherwise.
    static func bytes(of text: String) -> [UInt8]? {
        var host = Substring(text)
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") {
            host = host[host.index(after: host.startIndex)..<end]
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        guard let address = try? SocketAddress(ipAddress: String(host), port: 0) else { return nil }
        return bytes(of: address)
    }

    static func bytes(of address: SocketAddress) -> [UInt8]? {
        switch address {
        case .v4(let v4): withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6): withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        case .unixDomainSocket: nil
        }
    }
}

extension HTTPField.Name {
    static let forwarded = Self("forwarded")!
    static let xForwardedFor = Self("x-forwarded-for")!
}
