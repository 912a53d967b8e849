public import RevoCore

/// The response cache in Redis: `GET`, `SET … PX`, `DEL`, under a key prefix so several tools can share a server.
public struct RedisCache: Cache {
    public let name = "redis"
    public let client: RedisClient
    public let keyPrefix: String

    public init(client: RedisClient, keyPrefix: String = "revo:") {
        self.client = client
        self.keyPrefix = keyPrefix
    }

    public func get(_ key: String) async throws(StoreError) -> String? {
        try await client.send(["GET", keyPrefix + key]).text
    }

    public func set(_ key: String, value: String, ttl: Duration) async throws(StoreError) {
        // Redis keeps whole milliseconds; anything shorter than one still lives one.
        let milliseconds = max(1, ttl.components.seconds * 1_000 + ttl.components.attoseconds / 1_000_000_000_000_000)
        _ = try await client.send(["SET", keyPrefix + key, value, "PX", String(milliseconds)])
    }

    public func delete(_ key: String) async throws(StoreError) {
        _ = try await client.send(["DEL", keyPrefix + key])
    }
}
