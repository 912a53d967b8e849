import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
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
        var quiet = Logger(label: "revo.live.ws")
        quiet.logLevel = .critical
        do {
            _ = try await HummingbirdWSClient.WebSocketClient.connect(
                url: url,
                configuration: .init(additionalHeaders: [.authorization: "Bearer \(token)"]),
                logger: quiet
            ) {
                inbound,
                outbound,
                _ in
                let chat: [String: Any] = [
                    "type": "chat", "content": content, "max_tokens": maxTokens, "conversation_id": conversation, "message_id": messageID,
                ]
                var sent = false
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message,
                        let event = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
                        let type = event["type"] as? String
                    else { continue }
                    switch type {
                    case "ready" where !sent:
                        sent = true
                        let data = try JSONSerialization.data(withJSONObject: chat)
                        try await outbound.write(.text(String(decoding: data, as: UTF8.self)))
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
                        try await outbound.close(.normalClosure, reason: nil)
                        return
                    default:
                        continue
                    }
                }
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
