import NIOWebSocket

extension WebSocketErrorCode {
    /// The close code as sent on the wire (NIO names the standard ones).
    var number: Int {
        switch self {
        case .normalClosure: 1000
        case .goingAway: 1001
        case .protocolError: 1002
        case .unacceptableData: 1003
        case .dataInconsistentWithMessage: 1007
        case .policyViolation: 1008
        case .messageTooLarge: 1009
        case .missingExtension: 1010
        case .unexpectedServerError: 1011
        case .unknown(let number): Int(number)
        }
    }
}
