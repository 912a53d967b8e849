import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
import RevoCore

/// `revo fake-llm`'s HTTP surface: OpenAI's `/v1/chat/completions` and `/v1/models`, Anthropic's `/v1/messages`
/// (both streaming over SSE), `/health`, and the admin API that changes the physics and faults while it runs.
public enum FakeLLMRoutes {
    static let bodyLimit = 4 << 20

    public static func router(_ upstream: FakeUpstream) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("health") { _, _ in ServerSentEvents.json(["status": "ok"]).response }
        router.get("v1/models") { request, _ in
            // Both APIs list models here; each client sends its own key header.
            let anthropic = HTTPField.Name("x-api-key").flatMap { request.headers[$0] } != nil
            try authorize(request, upstream, anthropic ? .anthropic : .openAI)
            let model = upstream.settings.model
            return ServerSentEvents.json(["object": "list", "data": [["id": model, "object": "model", "created": 0, "owned_by": "revo"]]]).response
        }
        router.post("v1/chat/completions") { request, _ in try await openAIChat(request, upstream) }
        router.post("v1/messages") { request, _ in try await anthropicMessages(request, upstream) }
        AdminRoutes.add(to: router, upstream)
        return router
    }

    static func authorize(_ request: Request, _ upstream: FakeUpstream, _ dialect: UpstreamError.Dialect) throws {
        guard let key = upstream.settings.apiKey else { return }
        let given: String? =
            switch dialect {
            case .openAI: request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
            case .anthropic: HTTPField.Name("x-api-key").flatMap { request.headers[$0] }
            }
        guard given == key else { throw UpstreamError.unauthorized(dialect) }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ dialect: UpstreamError.Dialect) async throws -> T {
        let body = try await request.body.collect(upTo: bodyLimit)
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch DecodingError.keyNotFound(let key, _) {
            throw UpstreamError.invalid("missing required parameter: '\(key.stringValue)'", dialect)
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            throw UpstreamError.invalid("invalid type for '\(context.codingPath.map(\.stringValue).joined(separator: "."))'", dialect)
        } catch {
            throw UpstreamError.invalid("the body is not valid JSON", dialect)
        }
    }

    static func requestID(_ request: Request) -> String {
        HTTPField.Name("x-request-id").flatMap { request.headers[$0] } ?? ""
    }

    // MARK: OpenAI

    struct OpenAIBody: Decodable {
        struct StreamOptions: Decodable {
            var include_usage: Bool?
        }

        var model: String?
        var messages: [ChatMessage]
        var stream: Bool?
        var max_tokens: Int?
        var max_completion_tokens: Int?
        var temperature: Double?
        var stream_options: StreamOptions?
    }

    static func openAIChat(_ request: Request, _ upstream: FakeUpstream) async throws -> Response {
        try authorize(request, upstream, .openAI)
        let body = try await decode(OpenAIBody.self, request, .openAI)
        guard !body.messages.isEmpty else { throw UpstreamError.invalid("'messages' must not be empty", .openAI) }
        let maxTokens = body.max_completion_tokens ?? body.max_tokens ?? 1024
        guard maxTokens >= 1 else { throw UpstreamError.invalid("'max_tokens' must be at least 1", .openAI) }
        let generationRequest = GenerationRequest(
            messages: body.messages,
            system: nil,
            maxTokens: maxTokens,
            temperature: body.temperature,
            requestID: requestID(request)
        )
        let streamed = body.stream ?? false
        let generation = try await start(generationRequest, streamed: streamed, on: upstream, .openAI)
        let reply = OpenAIReply(
            id: "chatcmpl-\(upstream.requests + 1)",
            model: body.model ?? upstream.settings.model,
            created: Int(Date().timeIntervalSince1970),
            maxTokens: maxTokens
        )
        guard streamed else { return await reply.whole(generation, upstream) }
        return reply.stream(generation, upstream, includeUsage: body.stream_options?.include_usage ?? false)
    }

    /// One chat completion's answer, whole or as `chat.completion.chunk` events.
    struct OpenAIReply: Sendable {
        let id: String
        let model: String
        let created: Int
        let maxTokens: Int

        func finishReason(_ usage: TokenUsage) -> String { usage.completionTokens >= maxTokens ? "length" : "stop" }

        func whole(_ generation: Generation, _ upstream: FakeUpstream) async -> Response {
            await FakeLLMRoutes.whole(generation, upstream) { text, usage in
                [
                    "id": id, "object": "chat.completion", "created": created, "model": model,
                    "choices": [
                        ["index": 0, "message": ["role": "assistant", "content": text], "finish_reason": finishReason(usage), "logprobs": NSNull()]
                    ],
                    "usage": openAIUsage(usage),
                ]
            }
        }

        func chunk(_ delta: [String: Any], finish: String?) -> ByteBuffer {
            ServerSentEvents.event(
                nil,
                json: [
                    "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
                    "choices": [["index": 0, "delta": delta, "finish_reason": finish.map { $0 as Any } ?? NSNull()]],
                ]
            )
        }

        func usageChunk(_ usage: TokenUsage) -> ByteBuffer {
            ServerSentEvents.event(
                nil,
                json: ["id": id, "object": "chat.completion.chunk", "created": created, "model": model, "choices": [], "usage": openAIUsage(usage)]
            )
        }

        func stream(_ generation: Generation, _ upstream: FakeUpstream, includeUsage: Bool) -> Response {
            upstream.count(status: 200, streamed: true)
            return eventStream { writer in
                try await writer.write(chunk(["role": "assistant", "content": ""], finish: nil))
                while let next = try await generation.next() {
                    switch next {
                    case .token(let text):
                        try await writer.write(chunk(["content": text], finish: nil))
                    case .finished(let usage):
                        try await writer.write(chunk([:], finish: finishReason(usage)))
                        if includeUsage { try await writer.write(usageChunk(usage)) }
                        try await writer.write(ServerSentEvents.event(nil, data: "[DONE]"))
                        return
                    }
                }
            } faultEvent: {
                generation.streamFault.map { fault in
                    fault.form == .malformedEvent
                        ? ServerSentEvents.event(nil, data: #"{"id": "\#(id)", "choices": [{"delta": {"content": "#)
                        : ServerSentEvents.event(
                            nil,
                            json: ["error": ["message": "The server had an error while processing your request.", "type": "server_error"]]
                        )
                }
            } cut: {
                upstream.count(status: 200, streamed: true, disconnected: true)
            }
        }
    }

    static func openAIUsage(_ usage: TokenUsage) -> [String: Any] {
        ["prompt_tokens": usage.promptTokens, "completion_tokens": usage.completionTokens, "total_tokens": usage.totalTokens]
    }

    // MARK: Anthropic

    struct AnthropicBody: Decodable {
        var model: String?
        var messages: [ChatMessage]
        var system: String?
        var max_tokens: Int
        var stream: Bool?
        var temperature: Double?
    }

    static func anthropicMessages(_ request: Request, _ upstream: FakeUpstream) async throws -> Response {
        try authorize(request, upstream, .anthropic)
        let body = try await decode(AnthropicBody.self, request, .anthropic)
        guard !body.messages.isEmpty else { throw UpstreamError.invalid("messages: at least one message is required", .anthropic) }
        guard body.max_tokens >= 1 else { throw UpstreamError.invalid("max_tokens: must be at least 1", .anthropic) }
        let generationRequest = GenerationRequest(
            messages: body.messages,
            system: body.system,
            maxTokens: body.max_tokens,
            temperature: body.temperature,
            requestID: requestID(request)
        )
        let streamed = body.stream ?? false
        let generation = try await start(generationRequest, streamed: streamed, on: upstream, .anthropic)
        let reply = AnthropicReply(
            id: "msg_\(String(upstream.requests + 1, radix: 16))",
            model: body.model ?? upstream.settings.model,
            maxTokens: body.max_tokens,
            promptTokens: generationRequest.estimatedPromptTokens
        )
        guard streamed else { return await reply.whole(generation, upstream) }
        return reply.stream(generation, upstream)
    }

    /// One message's answer, whole or as Anthropic's event sequence.
    struct AnthropicReply: Sendable {
        let id: String
        let model: String
        let maxTokens: Int
        let promptTokens: Int

        func stopReason(_ usage: TokenUsage) -> String { usage.completionTokens >= maxTokens ? "max_tokens" : "end_turn" }

        func whole(_ generation: Generation, _ upstream: FakeUpstream) async -> Response {
            await FakeLLMRoutes.whole(generation, upstream) { text, usage in
                [
                    "id": id, "type": "message", "role": "assistant", "model": model,
                    "content": [["type": "text", "text": text]], "stop_reason": stopReason(usage), "stop_sequence": NSNull(),
                    "usage": ["input_tokens": usage.promptTokens, "output_tokens": usage.completionTokens],
                ]
            }
        }

        /// `message_start`, `content_block_start` and a `ping`, as Anthropic opens a stream.
        var opening: [ByteBuffer] {
            [
                ServerSentEvents.event(
                    "message_start",
                    json: [
                        "type": "message_start",
                        "message": [
                            "id": id, "type": "message", "role": "assistant", "model": model, "content": [], "stop_reason": NSNull(),
                            "stop_sequence": NSNull(), "usage": ["input_tokens": promptTokens, "output_tokens": 1],
                        ],
                    ]
                ),
                ServerSentEvents.event(
                    "content_block_start",
                    json: ["type": "content_block_start", "index": 0, "content_block": ["type": "text", "text": ""]]
                ),
                ServerSentEvents.event("ping", json: ["type": "ping"]),
            ]
        }

        /// `content_block_stop`, `message_delta` with the stop reason and usage, `message_stop`.
        func closing(_ usage: TokenUsage) -> [ByteBuffer] {
            [
                ServerSentEvents.event("content_block_stop", json: ["type": "content_block_stop", "index": 0]),
                ServerSentEvents.event(
                    "message_delta",
                    json: [
                        "type": "message_delta", "delta": ["stop_reason": stopReason(usage), "stop_sequence": NSNull()],
                        "usage": ["output_tokens": usage.completionTokens],
                    ]
                ),
                ServerSentEvents.event("message_stop", json: ["type": "message_stop"]),
            ]
        }

        func stream(_ generation: Generation, _ upstream: FakeUpstream) -> Response {
            upstream.count(status: 200, streamed: true)
            return eventStream { writer in
                for event in opening { try await writer.write(event) }
                while let next = try await generation.next() {
                    switch next {
                    case .token(let text):
                        try await writer.write(
                            ServerSentEvents.event(
                                "content_block_delta",
                                json: ["type": "content_block_delta", "index": 0, "delta": ["type": "text_delta", "text": text]]
                            )
                        )
                    case .finished(let usage):
                        for event in closing(usage) { try await writer.write(event) }
                        return
                    }
                }
            } faultEvent: {
                generation.streamFault.map { fault in
                    fault.form == .malformedEvent
                        ? ServerSentEvents.event("content_block_delta", data: #"{"type": "content_block_delta", "delta": {"text": "#)
                        : ServerSentEvents.event("error", json: ["type": "error", "error": ["type": "overloaded_error", "message": "Overloaded"]])
                }
            } cut: {
                upstream.count(status: 200, streamed: true, disconnected: true)
            }
        }
    }

    /// A generation collected whole and answered as one JSON body in the caller's wire format; a cut one is a dropped
    /// connection.
    static func whole(_ generation: Generation, _ upstream: FakeUpstream, _ body: (String, TokenUsage) -> [String: Any]) async -> Response {
        let (text, usage, cut) = await generation.collect()
        guard let usage, cut == nil else { return disconnected(upstream, streamed: false) }
        upstream.count(status: 200, streamed: false)
        return ServerSentEvents.json(body(text, usage)).response
    }

    /// Starts the generation; a refusal before the first chunk is counted and answered in the caller's wire format.
    static func start(
        _ request: GenerationRequest,
        streamed: Bool,
        on upstream: FakeUpstream,
        _ dialect: UpstreamError.Dialect
    ) async throws(UpstreamError) -> Generation {
        do throws(ProviderError) {
            return try await Generation.start(request, on: upstream)
        } catch {
            let refusal = UpstreamError(error, dialect, settings: upstream.settings)
            upstream.count(status: Int(refusal.status.code), streamed: streamed)
            throw refusal
        }
    }

    // MARK: Responses

    /// The connection is dropped mid-answer: an error thrown from the body writer closes it without ending the
    /// response, which is what a client sees when an upstream dies.
    struct StreamCut: Error {}

    /// `faultEvent`: the bytes that end the stream when it failed in a wire form (an error event, a malformed event)
    /// rather than by a dropped connection.
    static func eventStream(
        _ body: @escaping @Sendable @concurrent (inout any ResponseBodyWriter) async throws -> Void,
        faultEvent: @escaping @Sendable () -> ByteBuffer? = { nil },
        cut: @escaping @Sendable () -> Void
    ) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                var erased: any ResponseBodyWriter = writer
                do {
                    try await body(&erased)
                    try await erased.finish(nil)
                } catch is ProviderError {
                    if let event = faultEvent() {
                        try await erased.write(event)
                        try await erased.finish(nil)
                        return
                    }
                    cut()
                    throw StreamCut()
                }
            }
        )
    }

    static func disconnected(_ upstream: FakeUpstream, streamed: Bool) -> Response {
        upstream.count(status: 200, streamed: streamed, disconnected: true)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { _ in throw StreamCut() })
    }
}

extension ByteBuffer {
    /// A 200 JSON response of this buffer.
    var response: Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: self))
    }
}
