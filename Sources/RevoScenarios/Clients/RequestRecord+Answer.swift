import HTTPTypes
import RevoCore
import RevoServer
import RevoSim

/// Reading what the API answered into a record, as a client sees it: status, error body, headers.
extension RequestRecord {
    /// The status and its outcome; for an error, its code and message, and whether it kept the API's error shape.
    mutating func read(_ answer: HTTPAnswer) {
        guard answer.status > 0 else {
            // Nothing answered (a live server gone, a timeout): no status, the transport's reason.
            outcome = .unavailable
            detail = "no answer: \(answer.text.prefix(160))"
            return
        }
        status = answer.status
        switch answer.status {
        case 200..<300: outcome = .ok
        case 408, 429: outcome = .unavailable
        case 400..<500: outcome = .rejected
        default: outcome = .unavailable
        }
        guard answer.status >= 400 else { return }
        let error = answer.json?["error"]
        errorCode = error?["code"]?.string
        detail = "HTTP \(answer.status) \(errorCode ?? "-"): \(error?["message"]?.string ?? answer.text.prefix(120).description)"
        malformed = Self.shapeProblem(answer, error: error)
    }

    /// What is wrong with an error answer's shape: `{"error": {"code", "message", "field"?}}` as JSON, Retry-After on a
    /// 429 or 503, a `WWW-Authenticate` challenge on a 401 about a token. nil when nothing is.
    static func shapeProblem(_ answer: HTTPAnswer, error: JSONValue?) -> String? {
        guard answer.header(.contentType)?.hasPrefix("application/json") == true else {
            return "HTTP \(answer.status) without a JSON content type (\(answer.header(.contentType) ?? "none"))"
        }
        guard let error, error["code"]?.string != nil, error["message"]?.string != nil else {
            return "HTTP \(answer.status) body is not {\"error\": {\"code\", \"message\"}}: \(answer.text.prefix(80))"
        }
        if answer.status == 429 || answer.status == 503 {
            guard let retry = answer.header(.retryAfter), let seconds = Int(retry), seconds >= 1 else {
                return "HTTP \(answer.status) \(error["code"]?.string ?? "") without a Retry-After in seconds"
            }
        }
        if answer.status == 401, error["code"]?.string != "invalid_credentials", answer.header(.wwwAuthenticate) == nil {
            return "HTTP 401 \(error["code"]?.string ?? "") without a WWW-Authenticate challenge"
        }
        return nil
    }

    /// What a client reads of a chat's answer; the rest (the reply's text) is checked as JSON, not kept.
    static let chatFields = ["cost_usd", "from_cache", "history_messages", "memories_used", "stale", "tokens_used", "trace"]

    /// A chat's answer: who answered (`x-revo-provider`), the decision trace, cost, the cache and memories used.
    mutating func readChat(_ answer: HTTPAnswer) {
        read(answer)
        guard answer.status == 200 else { return }
        let json = answer.body.withUnsafeBytes { try? JSONValue(parsing: $0, keeping: Self.chatFields) }
        guard let json, json["tokens_used"]?.int != nil else {
            outcome = .unavailable
            malformed = "HTTP 200 chat answer is not the chat shape: \(answer.text.prefix(80))"
            return
        }
        if let name = answer.header(.revoProvider) {
            provider = ProviderID(name)
            providerKind = ProviderKind.of(name)
        }
        let called = (json["trace"]?.array ?? []).filter { $0["outcome"]?.string != "skipped" }
        upstreamCalls = called.count
        calls = called.compactMap { $0["provider"]?.string }.map { ProviderID($0) }
        fellBack = called.contains { $0["outcome"]?.string == "failed" }
        retries = called.filter { ($0["retry"]?.int ?? 0) > 0 }.count
        costUSD = json["cost_usd"]?.double ?? 0
        memoriesUsed = json["memories_used"]?.int ?? 0
        historyMessages = json["history_messages"]?.int
        cache = json["stale"]?.bool == true ? .stale : json["from_cache"]?.bool == true ? .hit : .miss
    }
}

extension HTTPField.Name {
    static let revoProvider = Self("x-revo-provider")!
}

extension ProviderKind {
    private static let known: [String: ProviderKind] = Dictionary(
        uniqueKeysWithValues: ScenarioLoader.knownProviders.map { ($0.rawValue, ProviderProfile.defaults(for: $0)!.descriptor.kind) }
    )

    /// The kind of a provider the API named (local, api, mock), as a client reads it from an answer.
    static func of(_ name: String) -> ProviderKind? {
        known[name]
    }
}
