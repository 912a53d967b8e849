import RevoCore
import Tracing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The spans of one chat, made from what the chat returned: the request (server), and one span per provider
/// attempt (client) named and tagged after OpenTelemetry's GenAI conventions (`gen_ai.operation.name`,
/// `gen_ai.provider.name`, `gen_ai.request.model`, `gen_ai.usage.output_tokens`, `error.type`). Providers skipped
/// without a call are events on the request's span. Built after the fact from the ``DecisionTrace``, so routing itself
/// carries no tracing code and pays nothing when tracing is off.
struct ChatSpans: Sendable {
    let tracer: RevoTracer

    func record(
        route: String,
        context: ServiceContext,
        started: UnixInstant,
        reply: Result<ChatReply, ChatError>,
        status: Int
    ) {
        let root = tracer.startSpan("POST \(route)", context: context, ofKind: .server, at: started)
        root.attributes["http.request.method"] = "POST"
        root.attributes["http.route"] = route
        root.attributes["http.response.status_code"] = status
        root.attributes["gen_ai.operation.name"] = "chat"
        let trace: DecisionTrace?
        switch reply {
        case .success(let reply):
            trace = reply.trace
            root.attributes["gen_ai.provider.name"] = reply.provider.rawValue
            root.attributes["gen_ai.usage.output_tokens"] = reply.tokensUsed
            root.attributes["revo.from_cache"] = reply.fromCache
            root.attributes["revo.stale"] = reply.stale
        case .failure(let error):
            trace = Self.trace(of: error)
            root.attributes["error.type"] = Self.type(of: error)
            root.setStatus(SpanStatus(code: .error, message: "\(error)"))
        }
        for step in trace?.steps ?? [] {
            attempt(step, of: reply, under: root, started: started)
        }
        root.end(at: UnixInstant.now())
    }

    private func attempt(_ step: DecisionTrace.Step, of reply: Result<ChatReply, ChatError>, under root: RevoSpan, started: UnixInstant) {
        let begin = started.advanced(by: step.startedAt)
        guard step.wasCalled else {
            if case .skipped(let reason) = step.outcome {
                root.addEvent(
                    SpanEvent(
                        name: "provider skipped",
                        at: begin,
                        attributes: ["gen_ai.provider.name": "\(step.provider)", "revo.reason": "\(reason)"]
                    )
                )
            }
            return
        }
        let span = tracer.startSpan("chat \(step.provider)", context: root.context, ofKind: .client, at: begin)
        span.attributes["gen_ai.operation.name"] = "chat"
        span.attributes["gen_ai.provider.name"] = step.provider.rawValue
        span.attributes["gen_ai.request.model"] = step.provider.rawValue
        span.attributes["revo.retry"] = step.retry
        switch step.outcome {
        case .succeeded:
            span.attributes["revo.outcome"] = "succeeded"
            if case .success(let reply) = reply { span.attributes["gen_ai.usage.output_tokens"] = reply.tokensUsed }
        case .failed(let error), .interrupted(let error):
            span.attributes["revo.outcome"] = step.outcome == .failed(error) ? "failed" : "interrupted"
            span.attributes["error.type"] = error.errorClass.rawValue
            span.setStatus(SpanStatus(code: .error, message: "\(error)"))
        case .skipped:
            break
        }
        span.end(at: begin.advanced(by: step.duration))
    }
}

extension ChatSpans {
    static func trace(of error: ChatError) -> DecisionTrace? {
        switch error {
        case .unavailable(let error): error.trace
        case .interrupted(let interruption): interruption.trace
        case .invalid, .rejected, .dependencyUnavailable, .cancelled: nil
        }
    }

    /// `error.type`: a low-cardinality name of what went wrong.
    static func type(of error: ChatError) -> String {
        switch error {
        case .invalid: "invalid_request"
        case .unavailable(.deadlineExceeded): "deadline_exceeded"
        case .unavailable: "no_model_available"
        case .rejected: "content_rejected"
        case .dependencyUnavailable: "dependency_unavailable"
        case .interrupted: "interrupted"
        case .cancelled: "cancelled"
        }
    }
}

/// A wall-clock instant for spans, in nanoseconds since the Unix epoch.
struct UnixInstant: TracerInstant {
    let nanosecondsSinceEpoch: UInt64

    static func now() -> UnixInstant {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UnixInstant(nanosecondsSinceEpoch: UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec))
    }

    func advanced(by duration: Duration) -> UnixInstant {
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        return UnixInstant(nanosecondsSinceEpoch: UInt64(max(0, Int64(nanosecondsSinceEpoch) + nanoseconds)))
    }

    static func < (lhs: UnixInstant, rhs: UnixInstant) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }
}
