extension ScenarioLoader {
    /// `browser: {name, fetch: "METHOD /path" | websocket: /path | session: true, from?: allowed|other, token?, body?,
    /// expect: {status?, blocked?, close_code?, body_contains?}}`; a session needs no `expect` (it passes when the flow
    /// completes).
    static func browserProbe(_ body: YAMLNode) throws(ScenarioError) -> BrowserProbe {
        let name = try body.required("name").string()
        let action = try browserAction(body)
        let origin = try body.optional("from").map { node throws(ScenarioError) -> BrowserProbe.Origin in
            let text = try node.string()
            guard let origin = BrowserProbe.Origin(rawValue: text) else {
                throw node.error("unknown origin '\(text)'; allowed: \(BrowserProbe.Origin.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return origin
        }
        let token = try body.optional("token").map { node throws(ScenarioError) -> Probe.Token in
            let text = try node.string()
            guard let token = Probe.Token(rawValue: text) else {
                throw node.error("unknown token '\(text)'; allowed: \(Probe.Token.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return token
        }
        var probe = BrowserProbe(name: name, action: action, origin: origin ?? .allowed, token: token ?? .none)
        if action == .session {
            try body.finish()
            return probe
        }
        let expect = try body.required("expect")
        probe.expectStatus = try expect.optional("status")?.int(in: 100...599)
        probe.expectBlocked = try expect.optional("blocked")?.bool() ?? false
        probe.expectCloseCode = try expect.optional("close_code")?.int(in: 1000...4999)
        probe.expectText =
            try expect.optional("body_contains").map { node throws(ScenarioError) -> [String] in
                if node.isSequence { return try node.sequence().map { item throws(ScenarioError) in try item.string() } }
                return [try node.string()]
            } ?? []
        guard probe.expectStatus != nil || probe.expectBlocked || probe.expectCloseCode != nil || !probe.expectText.isEmpty else {
            throw expect.error("expects nothing: give status, blocked, close_code or body_contains")
        }
        try expect.finish()
        try body.finish()
        return probe
    }

    private static func browserAction(_ body: YAMLNode) throws(ScenarioError) -> BrowserProbe.Action {
        let fetch = try body.optional("fetch")
        let socket = try body.optional("websocket")
        let session = try body.optional("session")
        let given = [fetch, socket, session].compactMap { $0 }
        guard given.count == 1 else {
            throw body.error("a browser probe does one thing: give exactly one of fetch, websocket, session")
        }
        if let fetch {
            let parts = try fetch.string().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
            guard parts.count == 2, methods.contains(parts[0]), parts[1].hasPrefix("/") else {
                throw fetch.error("must be 'METHOD /path' with METHOD one of \(methods.joined(separator: ", ")), got '\(try fetch.string())'")
            }
            return .fetch(method: parts[0], path: parts[1], body: try body.optional("body")?.string())
        }
        if let socket {
            let path = try socket.string()
            guard path.hasPrefix("/") else { throw socket.error("must be a path such as /ws/chat, got '\(path)'") }
            return .webSocket(path: path)
        }
        guard try session!.bool() else { throw session!.error("session: true runs the web client's flow; leave it out otherwise") }
        return .session
    }
}
