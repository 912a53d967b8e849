import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RevoServer

/// Sends a scenario's probes to the live server as a browser frontend would, and judges the answers.
struct ProbeRunner: Sendable {
    let http: HTTPClient
    let baseURL: String
    /// The signed-in client's access token, and the server's secret (this run generated it) for an expired one.
    let token: String
    /// The server's JWT secret, known when this run started the server (or given for one it did not).
    let secret: String?

    func run(_ probes: [Probe]) async -> [Probe.Result] {
        var results: [Probe.Result] = []
        for probe in probes { results.append(await run(probe)) }
        return results
    }

    private func run(_ probe: Probe) async -> Probe.Result {
        if probe.token == .expired, secret == nil {
            return Probe.Result(
                name: probe.name,
                passed: false,
                observed: "not sent: an expired token needs the server's secret (REVO_JWT_SECRET)",
                sent: false
            )
        }
        if probe.websocket { return await webSocket(probe) }
        var request = HTTPClientRequest(url: baseURL + probe.path)
        request.method = HTTPMethod(rawValue: probe.method)
        if let origin = probe.origin { request.headers.add(name: "origin", value: origin) }
        if let token = await token(probe.token) { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        if probe.websocket {
            request.headers.add(name: "connection", value: "Upgrade")
            request.headers.add(name: "upgrade", value: "websocket")
            request.headers.add(name: "sec-websocket-version", value: "13")
            request.headers.add(name: "sec-websocket-key", value: "dGhlIHNhbXBsZSBub25jZQ==")
        }
        for header in probe.headers { request.headers.add(name: header.name, value: header.value) }
        if let body = probe.body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        do {
            let response = try await http.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            return probe.judge(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: String(buffer: body)
            )
        } catch {
            return Probe.Result(name: probe.name, passed: false, observed: "\(probe.method) \(probe.path): no answer (\(error))")
        }
    }

    /// A real WebSocket handshake (as a browser's `new WebSocket(url)`), then what the server closes it with; a
    /// connection the server leaves open is given up after `closeWait`.
    private func webSocket(_ probe: Probe, closeWait: Duration = .seconds(10)) async -> Probe.Result {
        let timedOut = Probe.Result(
            name: probe.name,
            passed: false,
            observed: "GET \(probe.path): the WebSocket was still open after \(closeWait.formattedSeconds); the server never closed it"
        )
        return await withWallDeadline(closeWait, run: { await connect(probe) }, orElse: { timedOut })
    }

    private func connect(_ probe: Probe) async -> Probe.Result {
        var headers: [(name: String, value: String)] = []
        if let origin = probe.origin { headers.append(("Origin", origin)) }
        if let token = await token(probe.token) { headers.append(("Authorization", "Bearer \(token)")) }
        let url = baseURL.replacingOccurrences(of: "http://", with: "ws://") + probe.path
        do {
            let end = try await LiveWebSocket.connect(url: url, headers: headers) { socket in
                while true {
                    if case .closed(let code, let reason) = try await socket.next() { return (code: code, reason: reason) }
                }
            }
            return probe.judge(status: 101, headers: [], body: end.reason, closeCode: end.code.map { Int($0) })
        } catch let refused as LiveWebSocket.Refused {
            return probe.judge(status: refused.status, headers: refused.headers.map { ($0.name, $0.value) }, body: refused.body)
        } catch {
            return probe.judge(status: 0, headers: [], body: "no WebSocket: \(error)")
        }
    }

    func token(_ kind: Probe.Token) async -> String? {
        switch kind {
        case .none: return nil
        case .valid: return token
        case .tampered: return ForgedTokens.tampered(token)
        case .unsigned: return ForgedTokens.unsigned(token)
        case .expired: return await expiredToken()
        }
    }

    /// A token issued with the server's own secret two hours ago: its signature verifies, its expiry does not. nil
    /// without the secret.
    func expiredToken() async -> String? {
        guard let secret, let key = try? JWTSecret(Array(secret.utf8)) else { return nil }
        let past = Date().addingTimeInterval(-7200)
        let service = await TokenService(secret: key, now: { past })
        return try? await service.issue(userID: "probe", username: "probe").accessToken
    }
}
