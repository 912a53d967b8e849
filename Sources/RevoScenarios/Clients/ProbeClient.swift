import HTTPTypes
import RevoCore
package import RevoRuntime
import RevoServer

/// Sends a scenario's probes as a browser frontend would — the same requests, WebSocket handshakes and closes in both
/// modes, through the run's transport — and judges the answers.
package struct ProbeClient: Sendable {
    let transport: any ClientTransport
    package let clock: SystemClock
    /// The signed-in client the probes speak for, and a token of theirs that expired (nil when the server's secret
    /// is unknown, as for a server this run did not start).
    package let user: VirtualUser
    package let expiredToken: String?
    /// A WebSocket the server leaves open is given up after this long.
    static let closeWait = Duration.seconds(10)

    package init(transport: any ClientTransport, clock: SystemClock, user: VirtualUser, expiredToken: String?) {
        self.transport = transport
        self.clock = clock
        self.user = user
        self.expiredToken = expiredToken
    }

    package func run(_ probes: [Probe]) async -> [Probe.Result] {
        var results: [Probe.Result] = []
        for probe in probes { results.append(await run(probe)) }
        return results
    }

    private func run(_ probe: Probe) async -> Probe.Result {
        if probe.token == .expired, expiredToken == nil {
            let observed = "not sent: an expired token needs the server's secret (REVO_JWT_SECRET)"
            return Probe.Result(name: probe.name, passed: false, observed: observed, sent: false)
        }
        let call = request(for: probe)
        guard probe.websocket else {
            let answer = await transport.send(call, from: user.address)
            return probe.judge(status: answer.status, headers: answer.headers.map { ($0.name.canonicalName, $0.value) }, body: answer.text)
        }
        switch await transport.upgrade(call, from: user.address, name: "probe-\(probe.name)") {
        case .refused(let answer):
            return probe.judge(status: answer.status, headers: answer.headers.map { ($0.name.canonicalName, $0.value) }, body: answer.text)
        case .accepted(let socket):
            // A browser's socket as the probe opened it: judged on how the server closes it.
            defer { socket.close() }
            guard let end = try? await clock.withDeadline(clock.now + Self.closeWait, operation: { await Self.closing(of: socket) }) else {
                let observed =
                    "\(probe.method) \(probe.path): the WebSocket was still open after \(Self.closeWait.formattedSeconds); the server never closed it"
                return Probe.Result(name: probe.name, passed: false, observed: observed)
            }
            return probe.judge(status: 101, headers: [], body: end.reason, closeCode: end.code)
        }
    }

    private func request(for probe: Probe) -> HTTPCall {
        var call = HTTPCall(HTTPRequest.Method(probe.method) ?? .get, probe.path, body: probe.body.map { Array($0.utf8) })
        if probe.body != nil { call.headers[.contentType] = "application/json" }
        if let origin = probe.origin { call.headers[.origin] = origin }
        if let token = token(probe.token) { call.headers[.authorization] = "Bearer \(token)" }
        for header in probe.headers {
            if let name = HTTPField.Name(header.name) { call.headers.append(HTTPField(name: name, value: header.value)) }
        }
        return call
    }

    /// The server's close code and reason; no code when the connection ended without a close frame.
    private static func closing(of socket: InProcessSocket) async -> (code: Int?, reason: String) {
        while let frame = await socket.receive() {
            if case .close(let code, let reason) = frame { return (code, reason) }
        }
        return (nil, "")
    }

    /// The token a probe of `kind` sends, as the signed-in client holds it or forged from it.
    package func token(_ kind: Probe.Token) -> String? {
        switch kind {
        case .none: nil
        case .valid: user.tokens.access
        case .tampered: ForgedTokens.tampered(user.tokens.access)
        case .unsigned: ForgedTokens.unsigned(user.tokens.access)
        case .expired: expiredToken
        }
    }
}
