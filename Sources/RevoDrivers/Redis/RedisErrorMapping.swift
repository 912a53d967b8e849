public import RevoCore

/// Redis's error replies in RevoCore's terms, so the degradation logic can tell "the server cannot serve at all right
/// now" from "this command was refused".
public enum RedisErrorMapping {
    public static func storeError(forReply message: String, command: String) -> StoreError {
        let code = message.prefix { $0 != " " }
        switch code {
        // Still loading its dataset, a read-only replica, or a replica without its primary: nothing works until it
        // recovers, so the cache is unavailable as a whole.
        case "LOADING", "READONLY", "MASTERDOWN", "NOAUTH", "WRONGPASS":
            return .unavailable("redis \(command): -\(message)")
        // `-OOM` (maxmemory with noeviction), `-WRONGTYPE`, `-ERR`: this command failed, the next may not.
        default:
            return .failed("redis \(command): -\(message)")
        }
    }
}
