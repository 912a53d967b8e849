/// What a page's script reported for one browser probe (the driver's JSON), and its verdict.
public struct BrowserObservation: Sendable, Equatable, Decodable {
    public var name: String
    public var status: Int?
    public var body: String?
    /// The script's exception: `TypeError: Failed to fetch` when the browser refused it the answer.
    public var error: String?
    public var closeCode: Int?
    public var closeReason: String?
    /// The session flow: whether it completed, and the steps it got through.
    public var ok: Bool?
    public var steps: [String]?
    /// What the page's console printed meanwhile (the browser's own CORS complaint lands here).
    public var console: [String]?

    enum CodingKeys: String, CodingKey {
        case name, status, body, error, ok, steps, console
        case closeCode = "close_code"
        case closeReason = "close_reason"
    }

    public init(name: String, status: Int? = nil, body: String? = nil, error: String? = nil, closeCode: Int? = nil, closeReason: String? = nil) {
        self.name = name
        self.status = status
        self.body = body
        self.error = error
        self.closeCode = closeCode
        self.closeReason = closeReason
    }
}

extension BrowserProbe {
    /// Judges what the page saw against the expectations.
    public func judge(_ seen: BrowserObservation) -> Probe.Result {
        var misses: [String] = []
        let summary: String
        switch action {
        case .session:
            summary = (seen.steps ?? []).joined(separator: " → ") + (seen.error.map { " ✗ \($0)" } ?? "")
            if seen.ok != true { misses.append("the flow did not complete") }
        case .fetch(let method, let path, _):
            // A refused fetch rejects with a TypeError; anything else (a page that never loaded) is not a verdict on CORS.
            let blocked = seen.status == nil && (seen.error ?? "").hasPrefix("TypeError")
            summary =
                "\(method) \(path) → "
                + (seen.status.map { "\($0): \((seen.body ?? "").prefix(160))" }
                    ?? (blocked ? "blocked (\(seen.error!))" : seen.error ?? "no answer"))
            if seen.status == nil, !blocked { misses.append("the page's script never got to call: \(seen.error ?? "no answer")") }
            if expectBlocked, let status = seen.status { misses.append("the script read the answer (\(status)); the browser should have blocked it") }
            if !expectBlocked, blocked { misses.append("the browser blocked the call: \(seen.error!)") }
            if let expectStatus, let status = seen.status, status != expectStatus { misses.append("status \(status), expected \(expectStatus)") }
            for fragment in expectText where !(seen.body ?? "").contains(fragment) { misses.append("body lacks '\(fragment)'") }
        case .webSocket(let path):
            summary =
                "WebSocket \(path) → " + (seen.closeCode.map { "closed \($0) '\(seen.closeReason ?? "")'" } ?? (seen.error ?? "no close"))
            if let expectCloseCode, seen.closeCode != expectCloseCode {
                misses.append("closed with \(seen.closeCode.map(String.init) ?? "nothing"), expected \(expectCloseCode)")
            }
            for fragment in expectText where !(seen.closeReason ?? "").contains(fragment) { misses.append("close reason lacks '\(fragment)'") }
        }
        // The page's own script (the web client) must load without an uncaught exception wherever the probe runs.
        if let thrown = seen.console?.first(where: { $0.hasPrefix("pageerror:") }) { misses.append("the page threw: \(thrown.dropFirst(11))") }
        let observed = misses.isEmpty ? summary : misses.joined(separator: "; ") + " — " + summary
        return Probe.Result(name: name, passed: misses.isEmpty, observed: observed)
    }
}
