import Synchronization

/// How many exchanges the clients sent on each conversation, so an answer's history can be checked: a prompt can
/// carry at most the messages of the exchanges sent on its conversation before the answer came back (two each).
final class ConversationLedger: Sendable {
    private let sent = Mutex<[String: Int]>([:])

    /// Counts an exchange sent on `conversation` (a user's scoped id).
    func sent(on conversation: String) {
        sent.withLock { $0[conversation, default: 0] += 1 }
    }

    /// Messages the conversation may hold for an answer arriving now: every other exchange sent on it so far.
    func historyBound(of conversation: String) -> Int {
        2 * max(0, sent.withLock { $0[conversation, default: 0] } - 1)
    }
}
