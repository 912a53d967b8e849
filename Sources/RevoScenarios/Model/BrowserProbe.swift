/// What a page's script sees when it calls the API from headless Chromium (live mode only): the browser enforces CORS,
/// sends preflights, attaches an `Origin` to a WebSocket and hides a failed handshake's status, which an HTTP probe can
/// only imitate.
public struct BrowserProbe: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// `fetch()` from the page.
        case fetch(method: String, path: String, body: String?)
        /// `new WebSocket()` from the page (the token in `?token=`, as browsers must), until the server closes it.
        case webSocket(path: String)
        /// The web client's own flow: register, log in, chat, a streamed reply, a refresh, chat again.
        case session
    }

    /// Which page the script runs in: one served from an origin the server allows, or from another.
    public enum Origin: String, Sendable, Equatable, CaseIterable {
        case allowed
        case other
    }

    public var name: String
    public var action: Action
    public var origin: Origin
    public var token: Probe.Token
    public var expectStatus: Int?
    /// The browser must refuse the script the answer (a TypeError from `fetch`, as CORS does).
    public var expectBlocked: Bool
    public var expectCloseCode: Int?
    /// Fragments of the body (fetch) or close reason (WebSocket).
    public var expectText: [String]

    public init(
        name: String,
        action: Action,
        origin: Origin = .allowed,
        token: Probe.Token = .none,
        expectStatus: Int? = nil,
        expectBlocked: Bool = false,
        expectCloseCode: Int? = nil,
        expectText: [String] = []
    ) {
        self.name = name
        self.action = action
        self.origin = origin
        self.token = token
        self.expectStatus = expectStatus
        self.expectBlocked = expectBlocked
        self.expectCloseCode = expectCloseCode
        self.expectText = expectText
    }

    public var summary: String {
        let what =
            switch action {
            case .fetch(let method, let path, _): "fetch \(method) \(path)"
            case .webSocket(let path): "WebSocket \(path)"
            case .session: "register, log in, chat, stream, refresh"
            }
        return "\(what) from the \(origin.rawValue) origin"
    }
}

extension BrowserProbe {
    /// The result of a probe no browser ran, saying why; judged NO_DATA, never a pass.
    public func notRun(_ reason: String) -> Probe.Result {
        Probe.Result(name: name, passed: false, observed: "not run: \(reason)", sent: false)
    }
}

extension Scenario {
    /// The scenario's browser checks, in file order.
    public var browserProbes: [BrowserProbe] {
        checks.compactMap { check in if case .browser(let probe) = check { probe } else { nil } }
    }
}

extension CheckSpec {
    /// Judged only where a browser ran: in live mode.
    public var needsBrowser: Bool {
        if case .browser = self { true } else { false }
    }
}
