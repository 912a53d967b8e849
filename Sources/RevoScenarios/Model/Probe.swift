/// One request a run sends as a browser frontend would, and what the answer must show: the checks of the
/// seed's frontend/backend failures (CORS, WebSocket path, tokens, base path). Sent through the in-process application
/// in sim mode, over loopback to `revo serve` in live mode.
public struct Probe: Sendable, Equatable {
    /// Which token the request carries.
    public enum Token: String, Sendable, Equatable, CaseIterable {
        case none
        case valid
        /// Signed with the server's secret, expired an hour ago.
        case expired
        /// A valid token with its payload altered after signing.
        case tampered
        /// `alg: none`, no signature.
        case unsigned
    }

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public var name: String
    public var method: String
    public var path: String
    public var origin: String?
    public var token: Token
    /// Sent as a WebSocket upgrade (Connection: Upgrade, Upgrade: websocket, a key and version 13).
    public var websocket: Bool
    public var headers: [Header]
    public var body: String?
    public var expectStatus: Int?
    public var expectHeaders: [Header]
    public var expectAbsent: [String]
    public var expectBody: [String]
    /// WebSocket probes: the close code the server must send (the body is then the close reason).
    public var expectCloseCode: Int?

    public init(
        name: String,
        method: String,
        path: String,
        origin: String? = nil,
        token: Token = .none,
        websocket: Bool = false,
        headers: [Header] = [],
        body: String? = nil,
        expectStatus: Int? = nil,
        expectHeaders: [Header] = [],
        expectAbsent: [String] = [],
        expectBody: [String] = [],
        expectCloseCode: Int? = nil
    ) {
        self.name = name
        self.method = method
        self.path = path
        self.origin = origin
        self.token = token
        self.websocket = websocket
        self.headers = headers
        self.body = body
        self.expectStatus = expectStatus
        self.expectHeaders = expectHeaders
        self.expectAbsent = expectAbsent
        self.expectBody = expectBody
        self.expectCloseCode = expectCloseCode
    }

    /// What came back, and whether it met every expectation (the first one missed is named).
    public struct Result: Sendable, Equatable {
        public var name: String
        public var passed: Bool
        public var observed: String
        /// False when the probe could not be sent at all (its check then has no data).
        public var sent: Bool

        public init(name: String, passed: Bool, observed: String, sent: Bool = true) {
            self.name = name
            self.passed = passed
            self.observed = observed
            self.sent = sent
        }
    }

    /// Judges an answer: status, headers (case-insensitive names, exact values), absent headers, body fragments.
    public func judge(status: Int, headers: [(String, String)], body: String, closeCode: Int? = nil) -> Result {
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var misses: [String] = []
        if let expectStatus, status != expectStatus { misses.append("status \(status), expected \(expectStatus)") }
        for expected in expectHeaders where header(expected.name) != expected.value {
            misses.append("\(expected.name): \(header(expected.name) ?? "(absent)"), expected \(expected.value)")
        }
        for name in expectAbsent where header(name) != nil { misses.append("\(name) present (\(header(name)!)), expected absent") }
        for fragment in expectBody where !body.contains(fragment) { misses.append("\(websocket ? "close reason" : "body") lacks '\(fragment)'") }
        if let expectCloseCode, closeCode != expectCloseCode {
            misses.append("closed with \(closeCode.map(String.init) ?? "no close frame"), expected \(expectCloseCode)")
        }
        let summary =
            websocket
            ? "WebSocket \(path) → \(status == 101 ? "upgraded, closed \(closeCode.map(String.init) ?? "-")" : "not upgraded (\(status))"): \(body.prefix(160))"
            : "\(method) \(path) → \(status): \(body.prefix(160))"
        return Result(name: name, passed: misses.isEmpty, observed: misses.isEmpty ? summary : misses.joined(separator: "; ") + " — " + summary)
    }
}

extension Scenario {
    /// The scenario's probe checks, in file order.
    public var probes: [Probe] {
        checks.compactMap { check in if case .probe(let probe) = check { probe } else { nil } }
    }
}
