/// One RESP2 reply, copied out of hiredis's reply object.
public enum RedisReply: Sendable, Equatable {
    case string(String)
    case status(String)
    case integer(Int64)
    case null
    case array([RedisReply])
    /// The server refused the command: `-OOM command not allowed…`, `-LOADING…` (without the leading `-`).
    case error(String)

    /// The text of a bulk string or status; nil for anything else.
    public var text: String? {
        switch self {
        case .string(let text), .status(let text): text
        default: nil
        }
    }
}
