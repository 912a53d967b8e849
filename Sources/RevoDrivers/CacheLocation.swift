public import RevoCore
public import RevoRuntime

/// Where `revo serve` keeps its response cache, from `--cache`: `memory` (the default, in process) or a Redis URL.
public enum CacheLocation: Sendable, Equatable, CustomStringConvertible {
    case memory
    case redis(RedisURL)

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var value: String
        public var reason: String?
        /// Where the value came from: the flag, or the environment variable or file key that set it.
        public var setting = "--cache"

        public var description: String {
            "\(setting) '\(value)' is not one of memory or redis://[:password@]host[:port][/db]" + (reason.map { ": \($0)" } ?? "")
        }
    }

    public init(parsing text: String) throws(ParseError) {
        if text == "memory" {
            self = .memory
        } else if text.hasPrefix("redis://") {
            do {
                self = .redis(try RedisURL(parsing: text))
            } catch {
                throw ParseError(value: text, reason: error.reason)
            }
        } else {
            throw ParseError(value: text)
        }
    }

    public var description: String {
        switch self {
        case .memory: "memory"
        case .redis(let url): url.description
        }
    }

    /// The cache, and the Redis client to shut down when the server stops (nil in process).
    public func open(clock: SystemClock) -> (cache: any Cache, client: RedisClient?) {
        switch self {
        case .memory:
            return (InMemoryCache(clock: clock), nil)
        case .redis(let url):
            let client = RedisClient(url)
            return (RedisCache(client: client), client)
        }
    }
}
