import Foundation
import Hummingbird
import HummingbirdTesting
import RevoCore
import RevoRuntime
import Testing

@testable import RevoFakeLLM

/// The fake upstream speaks both wire formats, with the sim fakes' physics and the faults the admin API adds.
struct FakeLLMTests {
    static func upstream(_ change: (inout FakeLLMSettings) -> Void = { _ in }) -> FakeUpstream {
        var settings = FakeLLMSettings()
        settings.timeToFirstTokenMs = 1
        settings.interTokenMs = 0.1
        settings.outputTokens = 20
        change(&settings)
        return FakeUpstream(settings: settings, seed: 42, clock: SystemClock(ContinuousClock()))
    }

    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
    }

    static let chat = #"{"model":"gpt-4o-mini","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello there"}]}"#

    @Test func openAIAnswersInItsShapeAndTheSamePromptGetsTheSameText() async throws {
        let app = Application(router: FakeLLMRoutes.router(Self.upstream()))
        try await app.test(.router) { client in
            var texts: [String] = []
            for _ in 0..<2 {
                try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: Self.chat)) { response in
                    #expect(response.status == .ok)
                    let body = Self.json(response)
                    #expect(body["object"] as? String == "chat.completion")
                    #expect(body["model"] as? String == "gpt-4o-mini")
                    let choice = (body["choices"] as? [[String: Any]])?.first
                    let message = choice?["message"] as? [String: Any]
                    #expect(message?["role"] as? String == "assistant")
                    texts.append(message?["content"] as? String ?? "")
                    let usage = body["usage"] as? [String: Any]
                    #expect((usage?["completion_tokens"] as? Int ?? 0) > 0)
                }
            }
            // The words come from the prompt and the seed; the length varies with the seeded spread.
            let (short, long) = texts[0].count <= texts[1].count ? (texts[0], texts[1]) : (texts[1], texts[0])
            #expect(!short.isEmpty && long.hasPrefix(short))
        }
    }

    @Test func openAIStreamsServerSentEventsEndingInDone() async throws {
        let app = Application(router: FakeLLMRoutes.router(Self.upstream()))
        let body = #"{"messages":[{"role":"user","content":"stream please"}],"stream":true,"stream_options":{"include_usage":true}}"#
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.headers[.contentType] == "text/event-stream")
                let text = String(buffer: response.body)
                let events = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
                #expect(events.first?.hasPrefix("data: {") == true)
                #expect(events.last == "data: [DONE]")
                #expect(text.contains(#""finish_reason":"stop""#))
                #expect(text.contains(#""completion_tokens":"#))
            }
        }
    }

    @Test func anthropicStreamsItsNamedEvents() async throws {
        let app = Application(router: FakeLLMRoutes.router(Self.upstream()))
        let body =
            #"{"model":"claude-x","max_tokens":64,"system":"terse","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"stream":true}"#
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/messages", method: .post, body: ByteBuffer(string: body)) { response in
                let names = String(buffer: response.body).split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
                #expect(names.first == "message_start")
                #expect(names.contains("content_block_delta"))
                #expect(Array(names.suffix(3)) == ["content_block_stop", "message_delta", "message_stop"])
            }
            try await client.execute(uri: "/v1/messages", method: .post, body: ByteBuffer(string: #"{"messages":[]}"#)) { response in
                #expect(response.status == .badRequest)
                let error = Self.json(response)["error"] as? [String: Any]
                #expect(error?["type"] as? String == "invalid_request_error")
                #expect((error?["message"] as? String)?.contains("max_tokens") == true)
            }
        }
    }

    @Test func rateLimitFaultAnswers429WithRetryAfterInBothDialectsUntilCleared() async throws {
        let upstream = Self.upstream()
        let app = Application(router: FakeLLMRoutes.router(upstream))
        try await app.test(.router) { client in
            try await client.execute(uri: "/admin/faults", method: .post, body: ByteBuffer(string: #"{"kind":"rate_limit","retry_after_s":20}"#)) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: Self.chat)) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "20")
                let error = Self.json(response)["error"] as? [String: Any]
                #expect(error?["code"] as? String == "rate_limit_exceeded")
            }
            let anthropic = #"{"max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"#
            try await client.execute(uri: "/v1/messages", method: .post, body: ByteBuffer(string: anthropic)) { response in
                #expect(response.status == .tooManyRequests)
                #expect((Self.json(response)["error"] as? [String: Any])?["type"] as? String == "rate_limit_error")
            }
            try await client.execute(uri: "/admin/faults", method: .delete) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: Self.chat)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/admin/stats", method: .get) { response in
                let stats = Self.json(response)
                #expect(stats["requests"] as? Int == 3)
                #expect((stats["by_status"] as? [String: Int])?["429"] == 2)
                let faults = stats["faults"] as? [[String: Any]]
                #expect(faults?.isEmpty == true)
            }
        }
    }

    @Test func firstNAndServerErrorsAndKeysAndBadAdminInput() async throws {
        let upstream = Self.upstream { $0.apiKey = "sk-test" }
        let app = Application(router: FakeLLMRoutes.router(upstream))
        let auth: HTTPFields = [.authorization: "Bearer sk-test"]
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: Self.chat)) { response in
                #expect(response.status == .unauthorized)
                #expect((Self.json(response)["error"] as? [String: Any])?["code"] as? String == "invalid_api_key")
            }
            let fault = #"{"kind":"server_error","status":503,"first_n":1}"#
            try await client.execute(uri: "/admin/faults", method: .post, body: ByteBuffer(string: fault)) { #expect($0.status == .created) }
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: auth, body: ByteBuffer(string: Self.chat)) {
                #expect($0.status == .serviceUnavailable)
            }
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: auth, body: ByteBuffer(string: Self.chat)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/admin/faults", method: .post, body: ByteBuffer(string: #"{"kind":"meteor"}"#)) { response in
                #expect(response.status == .badRequest)
                let message = (Self.json(response)["error"] as? [String: Any])?["message"] as? String
                #expect(message?.hasPrefix("field 'kind' must be one of rate_limit") == true)
            }
            try await client.execute(uri: "/admin/config", method: .put, body: ByteBuffer(string: #"{"spread":3}"#)) { response in
                #expect(response.status == .badRequest)
                let message = (Self.json(response)["error"] as? [String: Any])?["message"] as? String
                #expect(message == "field 'spread' must be 0 to 1")
            }
            try await client.execute(uri: "/admin/config", method: .patch, body: ByteBuffer(string: #"{"output_tokens":3}"#)) { response in
                let config = Self.json(response)
                #expect(config["output_tokens"] as? Int == 3)
                #expect(config["api_key"] as? String == "***")
            }
        }
    }

    @Test func contextTooLongUsesOpenAIsCode() async throws {
        let app = Application(router: FakeLLMRoutes.router(Self.upstream { $0.contextWindow = 16 }))
        try await app.test(.router) { client in
            let body = #"{"messages":[{"role":"user","content":"a long prompt"}],"max_tokens":100}"#
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                #expect((Self.json(response)["error"] as? [String: Any])?["code"] as? String == "context_length_exceeded")
            }
        }
    }
}
