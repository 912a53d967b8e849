import RevoCore
import RevoSim
import Synchronization

/// A simulated WebSocket client: sends a session's messages one after another over the streaming chat, drops its
/// connection when a `disconnect` fault on `websocket` says so, then reconnects after a second and resends the message
/// (with the same message id, unless the scenario's clients send none).
struct WebSocketClient: Sendable {
    let sim: SimulationExecutor
    let faults: FaultInjector

    static let maxAttempts = 5
    static let reconnectDelay = Duration.seconds(1)

    func session(
        conversation: String,
        prompt: String,
        workload: Workload,
        system: RevoSystem,
        clock: SystemClock
    ) async -> MetricsRecorder.WebSocketSession {
        var session = MetricsRecorder.WebSocketSession(
            conversation: conversation,
            messages: workload.websocketMessages,
            answered: 0,
            reportedErrors: 0,
            reconnects: 0,
            inconsistencies: 0
        )
        for message in 0..<workload.websocketMessages {
            let request = ChatRequest(
                content: "\(prompt) (message \(message + 1))",
                maxTokens: workload.maxTokens,
                conversationID: conversation,
                messageID: workload.websocketMessageIDs ? "m\(message)" : nil
            )
            attempts: for attempt in 1...Self.maxAttempts {
                // The connection drops after this many frames (chunks of tokens), if a fault says so.
                var dropAfter: Int?
                if let fault = faults.hit(.websocket, operation: "stream"), case .disconnect(let frames) = fault.kind { dropAfter = frames }
                let received = Mutex(0)
                let handle = Mutex<Task<Result<ChatReply, ChatError>, Never>?>(nil)
                let drop = dropAfter
                let task = sim.spawn("\(conversation).m\(message).a\(attempt)") { () -> Result<ChatReply, ChatError> in
                    await Result(awaiting: { () async throws(ChatError) in
                        try await system.chat.streamChat(request) { _ in
                            let count = received.withLock { n in
                                n += 1
                                return n
                            }
                            // The client's socket closes: the server sees its request cancelled.
                            if let drop, count >= drop { handle.withLock { $0?.cancel() } }
                        }
                    })
                }
                handle.withLock { $0 = task }
                let outcome = await task.value
                let got = received.withLock { $0 }
                switch outcome {
                case .success:
                    // A drop due before the stream's end still loses the final frame: the client cannot know the
                    // answer was complete and stored, and resends.
                    if let drop, got < drop, attempt < Self.maxAttempts {
                        session.reconnects += 1
                    } else {
                        session.answered += 1
                        break attempts
                    }
                case .failure(.interrupted(let interruption)):
                    if interruption.deliveredTokens != got { session.inconsistencies += 1 }
                    session.reconnects += 1
                case .failure(.cancelled):
                    session.reconnects += 1
                case .failure:
                    session.reportedErrors += 1
                    break attempts
                }
                if attempt == Self.maxAttempts {
                    session.reportedErrors += 1
                    break attempts
                }
                try? await clock.sleep(for: Self.reconnectDelay)
            }
        }
        return session
    }
}
