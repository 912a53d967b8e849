public import RevoCore

/// Open circuits shared through Redis: one key per provider (`<prefix><provider>`), holding `<until ns> <reason>`
/// and expiring when the circuit closes, so a board never says a circuit is open after it reopened.
public struct RedisBreakerBoard: SharedBreakerBoard {
    public let client: RedisClient
    public let keyPrefix: String

    public init(client: RedisClient, keyPrefix: String = "revo:breaker:") {
        self.client = client
        self.keyPrefix = keyPrefix
    }

    public func publish(_ circuit: OpenCircuit, now: Duration) async throws(StoreError) {
        let remaining = circuit.until - now
        guard remaining > .zero else { return }
        let milliseconds = max(1, remaining.nanoseconds / 1_000_000)
        // A longer circuit already on the board stays: GET then SET is not atomic, but the worst case is one
        // shorter cool-down, which the next failure lengthens again.
        if let current = try await client.send(["GET", keyPrefix + circuit.provider.rawValue]).text.flatMap(Self.parse),
            current.until >= circuit.until
        {
            return
        }
        _ = try await client.send([
            "SET", keyPrefix + circuit.provider.rawValue, "\(circuit.until.nanoseconds) \(circuit.reason)", "PX", String(milliseconds),
        ])
    }

    public func open(among providers: [ProviderID]) async throws(StoreError) -> [OpenCircuit] {
        guard !providers.isEmpty else { return [] }
        let reply = try await client.send(["MGET"] + providers.map { keyPrefix + $0.rawValue })
        guard case .array(let values) = reply else { return [] }
        return zip(providers, values).compactMap { provider, value in
            value.text.flatMap(Self.parse).map { OpenCircuit(provider: provider, until: $0.until, reason: $0.reason) }
        }
    }

    static func parse(_ text: String) -> (until: Duration, reason: String)? {
        let parts = text.split(separator: " ", maxSplits: 1)
        guard let nanoseconds = parts.first.flatMap({ Int64($0) }) else { return nil }
        return (.nanoseconds(nanoseconds), parts.count > 1 ? String(parts[1]) : "")
    }
}
