import Foundation
import RevoCore

/// The live `stream` operation: one chat over `WS /ws/chat`, as a browser client sends it, timed per token.
enum LiveStream {
    struct Outcome: Sendable {
        var provider: String?
        var attempted: Int = 0
        /// Clock times (the run's, from its start) of the first and last token, and how many arrived.
        var firstToken: Duration?
        var lastToken: Duration?
        var tokens = 0
        /// When the reply ended (its `response`, `interrupted` or `error` event): the request's latency, without the
        /// close handshake that follows.
        var finished: Duration?
        /// `response`, `interrupted`, `error`, or why the socket failed.
        var ending: String = "no answer"
        var detail: String?
    }

    /// The chat; what was seen by `limit` if the server has not finished and closed by then.
    static func chat(
        baseURL: String,
        token: String,
        content: String,
        maxTokens: Int,
        conversation: String,
        messageID: String,
        limit: Duration,
        elapsed: @escaping @Sendable () -> Duration
    ) async -> Outcome {
        let box = OutcomeBox()
        return await withWallDeadline(
            limit,
            run: {
                await send(
                    baseURL: baseURL,
                    token: token,
                    content: content,
                    maxTokens: maxTokens,
                    conversation: conversation,
                    messageID: messageID,
                    into: box,
                    elapsed: elapsed
                )
            },
            orElse: { box.value }
        )
    }

    /// Sends the chat once the server says `ready`, times its tokens, and closes after the reply's last event.
    private static func converse(
        on socket: LiveWebSocket,
        request: String,
        into box: OutcomeBox,
        elapsed: @escaping @Sendable () -> Duration
    ) async throws {
        var sent = false
        while true {
            let text: String
            switch try await socket.next() {
            case .text(let message): text = message
            case .binary: continue
            case .closed(let code, let reason):
                box.update { $0.detail = "the server closed the socket (\(code.map { String($0) } ?? "without a close frame")) \(reason)" }
                return
            }
            guard let event = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
                let type = event["type"] as? String
            else { continue }
            switch type {
            case "ready" where !sent:
                sent = true
                try await socket.send(text: request)
            case "token":
                let now = elapsed()
                box.update { outcome in
                    if outcome.firstToken == nil { outcome.firstToken = now }
                    outcome.lastToken = now
                    outcome.tokens += 1
                }
            case "response", "interrupted", "error":
                let now = elapsed()
                box.update { outcome in
                    outcome.finished = now
                    outcome.ending = type
                    outcome.provider = event["provider"] as? String
                    outcome.attempted = (event["attempted"] as? [String])?.count ?? 0
                    outcome.detail = event["message"] as? String
                }
                try await socket.close()
                return
            default:
                continue
            }
        }
    }

    private static func send(
        baseURL: String,
        token: String,
        content: String,
        maxTokens: Int,
        conversation: String,
        messageID: String,
        into box: OutcomeBox,
        elapsed: @escaping @Sendable () -> Duration
    ) async -> Outcome {
        let url = baseURL.replacingOccurrences(of: "http://", with: "ws://") + "/ws/chat"
        let chat: [String: Any] = [
            "type": "chat", "content": content, "max_tokens": maxTokens, "conversation_id": conversation, "message_id": messageID,
        ]
        do {
            let request = String(decoding: try JSONSerialization.data(withJSONObject: chat), as: UTF8.self)
            try await LiveWebSocket.connect(url: url, headers: [("Authorization", "Bearer \(token)")]) { socket in
                try await converse(on: socket, request: request, into: box, elapsed: elapsed)
            }
        } catch {
            box.update { $0.detail = "\(error)" }
        }
        return box.value
    }
}

/// The outcome, filled in from the socket's handler task and read after it.
private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var outcome = LiveStream.Outcome()

    func update(_ change: (inout LiveStream.Outcome) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change(&outcome)
    }

    var value: LiveStream.Outcome {
        lock.lock()
        defer { lock.unlock() }
        return outcome
    }
}
