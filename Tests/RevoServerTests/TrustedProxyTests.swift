import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RevoCore
import RevoRuntime
import Testing

@testable import RevoServer

@Suite("trusted proxies")
struct TrustedProxyTests {
    static func proxies(_ ranges: String...) throws -> TrustedProxies {
        TrustedProxies(try ranges.map { try TrustedProxies.Range(parsing: $0) })
    }

    static func client(_ proxies: TrustedProxies, peer: String, _ headers: HTTPFields) throws -> ClientAddress {
        proxies.client(of: try SocketAddress(ipAddress: peer, port: 4711), headers: headers)
    }

    @Test("from a trusted proxy, the nearest untrusted hop of X-Forwarded-For or Forwarded is the client")
    func forwarded() throws {
        let proxies = try Self.proxies("10.0.0.0/8", "fd00::/8")
        #expect(try Self.client(proxies, peer: "10.1.2.3", [.xForwardedFor: "203.0.113.7, 10.0.0.9"]).description == "203.0.113.7")
        // The leftmost entries were written by the client itself: only the hop the trusted proxy saw counts.
        #expect(try Self.client(proxies, peer: "10.1.2.3", [.xForwardedFor: "1.1.1.1, 198.51.100.4"]).description == "198.51.100.4")
        #expect(
            try Self.client(proxies, peer: "fd00::1", [.forwarded: #"for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711""#])
                .description == "2001:db8:cafe:0:0:0:0:17"
        )
        #expect(try Self.client(proxies, peer: "10.1.2.3", [.xForwardedFor: "192.0.2.1:8080"]).description == "192.0.2.1")
        // Forwarded wins over X-Forwarded-For when both are present.
        #expect(
            try Self.client(proxies, peer: "10.1.2.3", [.forwarded: "for=192.0.2.9", .xForwardedFor: "192.0.2.8"]).description == "192.0.2.9"
        )
    }

    @Test("from anyone else, or with nothing usable in the headers, the peer is the client")
    func untrusted() throws {
        let proxies = try Self.proxies("10.0.0.0/8")
        #expect(try Self.client(proxies, peer: "198.51.100.2", [.xForwardedFor: "1.2.3.4"]).description == "198.51.100.2")
        #expect(try Self.client(TrustedProxies(), peer: "10.1.2.3", [.xForwardedFor: "1.2.3.4"]).description == "10.1.2.3")
        #expect(try Self.client(proxies, peer: "10.1.2.3", [:]).description == "10.1.2.3")
        #expect(try Self.client(proxies, peer: "10.1.2.3", [.xForwardedFor: "not-an-address"]).description == "10.1.2.3")
    }

    @Test("ranges parse in CIDR notation and bad ones are refused with an example", arguments: ["10.0.0.0/33", "x/8", "10.0.0.0/", "::1/129"])
    func badRange(text: String) {
        #expect(throws: TrustedProxies.Range.ParseError.self) { try TrustedProxies.Range(parsing: text) }
        #expect(TrustedProxies.Range.ParseError(text: text).description.contains("such as 10.0.0.0/8"))
    }

    @Test("behind a trusted proxy each forwarded client has its own rate limit; a spoofed header from elsewhere changes nothing")
    func rateLimitPerForwardedClient() async throws {
        let system = await ServerTests.system()
        let auth = await TestAuth.headers()
        func app(trusting ranges: TrustedProxies) async -> some ApplicationProtocol {
            Application(
                router: RevoApplication.router(
                    system: system,
                    authentication: await TestAuth.authentication(),
                    configuration: ServerConfiguration(requestsPerMinute: 2, trustedProxies: ranges),
                    clock: SystemClock(ContinuousClock())
                )
            )
        }
        @Sendable func statuses(_ client: some TestClientProtocol, from addresses: [String]) async throws -> [HTTPResponse.Status] {
            var seen: [HTTPResponse.Status] = []
            for address in addresses {
                var headers = auth
                headers[.xForwardedFor] = address
                seen.append(try await client.execute(uri: "/api/models", method: .get, headers: headers) { $0.status })
            }
            return seen
        }
        // Over a real socket the peer is 127.0.0.1.
        try await app(trusting: try Self.proxies("127.0.0.1")).test(.live) { client in
            let seen = try await statuses(client, from: ["192.0.2.1", "192.0.2.1", "192.0.2.1", "192.0.2.2"])
            #expect(seen == [.ok, .ok, .tooManyRequests, .ok])
        }
        try await app(trusting: try Self.proxies("10.0.0.0/8")).test(.live) { client in
            let seen = try await statuses(client, from: ["192.0.2.1", "192.0.2.2", "192.0.2.3"])
            #expect(seen == [.ok, .ok, .tooManyRequests])
        }
        await system.shutdown()
    }

    @Test("GET /metrics has the process metrics and a request-duration histogram by route")
    func processMetrics() async throws {
        let system = await ServerTests.system()
        try await ServerTests.app(system).test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                func value(_ name: String) -> Double? {
                    text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
                }
                #expect((value("process_resident_memory_bytes") ?? 0) > 1_000_000)
                #expect((value("process_open_fds") ?? 0) > 2)
                #expect((value("process_max_fds") ?? 0) >= (value("process_open_fds") ?? .infinity))
                #expect((value("process_cpu_seconds_total") ?? 0) > 0)
                let now = Date().timeIntervalSince1970
                let started = value("process_start_time_seconds") ?? 0
                #expect(started > now - 86_400 && started <= now + 1)
                #expect(text.contains("# TYPE process_cpu_seconds_total counter"))
                #expect(text.contains(#"http_server_request_duration_bucket{"#) && text.contains(#"http_route="/health/live""#))
            }
        }
        await system.shutdown()
    }
}
