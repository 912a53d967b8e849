import HTTPTypes
import RevoCore
import RevoServer

/// A scenario's probes sent through the in-process application, as ``ProbeRunner`` sends them to a live server: the
/// same requests, the same WebSocket handshakes and closes, judged the same way.
struct InProcessProbes: Sendable {
    let server: InProcessServer
    let starter: any TaskStarter
    /// The signed-in client the probes speak for, and a token of theirs that expired.
    let user: VirtualUser
    let expiredToken: String

    func run(_ probes: [Probe]) async -> [Probe.Result] {
        var results: [Probe.Result] = []
        for probe in probes { results.append(await run(probe)) }
        return results
    }

    private func run(_ probe: Probe) async -> Probe.Result {
        var call = HTTPCall(HTTPRequest.Method(probe.method) ?? .get, probe.path, body: probe.body.map { Array($0.utf8) })
        if probe.body != nil { call.headers[.contentType] = "application/json" }
        if let origin = probe.origin { call.headers[.origin] = origin }
        if let token = token(probe.token) { call.headers[.authorization] = "Bearer \(token)" }
        for header in probe.headers {
            if let name = HTTPField.Name(header.name) { call.headers.append(HTTPField(name: name, value: header.value)) }
        }
        guard probe.websocket else {
            let answer = await server.send(call, from: user.address)
            return probe.judge(status: answer.status, headers: answer.headers.map { ($0.name.canonicalName, $0.value) }, body: answer.text)
        }
        let (answer, session) = await server.upgrade(call, from: user.address)
        guard let session else { return probe.judge(status: 0, headers: [], body: "handshake refused: HTTP \(answer.status) \(answer.text)") }
        let socket = InProcessSocket()
        starter.start("probe-\(probe.name)") { await session(socket.server) }
        // A browser's socket as the probe opened it: its first frame is the server's close, or the socket stays open.
        switch await socket.receive() {
        case .close(let code, let reason):
            return probe.judge(status: 101, headers: [], body: reason, closeCode: code)
        case .text(let text):
            socket.close()
            return probe.judge(status: 101, headers: [], body: text, closeCode: nil)
        case nil:
            return probe.judge(status: 101, headers: [], body: "", closeCode: nil)
        }
    }

    private func token(_ kind: Probe.Token) -> String? {
        switch kind {
        case .none: nil
        case .valid: user.tokens.access
        case .tampered: ForgedTokens.tampered(user.tokens.access)
        case .unsigned: ForgedTokens.unsigned(user.tokens.access)
        case .expired: expiredToken
        }
    }
}
