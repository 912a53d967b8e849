import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("revo serve in operation")
struct OperationsTests {
    static func post(_ url: String, _ body: [String: Any], headers: [String: String] = [:]) async throws -> (Int, [String: Any], HTTPURLResponse?) {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:], http)
    }

    @Test("JSON logs with a line per request, and each chat's trace sent over OTLP/HTTP with a span per provider attempt")
    func logsAndTraces() async throws {
        let receiver = try await OTLPReceiver.start()
        defer { receiver.stop() }
        let directory = try ServeCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let errors = directory.appendingPathComponent("stderr")
        // OpenAI over HTTP at a port nothing listens on: its attempt fails, then the mock answers.
        let (process, base) = try await ServeCommandTests.startDev(
            in: directory,
            arguments: [
                "--providers", "openai,mock", "--provider", "openai=http://127.0.0.1:9/v1",
                "--otlp-endpoint", receiver.url, "--log-format", "json",
            ],
            errors: errors,
            logLevel: "info"
        )
        defer { if process.isRunning { process.terminate() } }

        let (created, tokens, _) = try await Self.post(base + "/auth/register", ["username": "operator", "password": "correct horse battery"])
        #expect(created == 201)
        let token = try #require(tokens["access_token"] as? String)
        let caller = (trace: "0af7651916cd43dd8448eb211c80319c", span: "b7ad6b7169203331")
        let (status, _, response) = try await Self.post(
            base + "/api/chat",
            ["content": "hello"],
            headers: ["Authorization": "Bearer \(token)", "traceparent": "00-\(caller.trace)-\(caller.span)-01", "X-Request-ID": "ops-request-1"]
        )
        #expect(status == 200)
        #expect(response?.value(forHTTPHeaderField: "x-revo-provider") == "mock")

        // SIGTERM: a graceful stop sends the spans still waiting.
        await RevoProcess.stop(process)
        #expect(process.terminationStatus == 0)

        let spans = receiver.spans()
        let root = try #require(spans.first { $0["name"] as? String == "POST /api/chat" })
        #expect(root["traceId"] as? String == caller.trace)
        #expect(root["parentSpanId"] as? String == caller.span)
        #expect(root["kind"] as? Int == 2)
        #expect(OTLPReceiver.attributes(root, "resource")["service.name"] as? String == "revo")
        let rootAttributes = OTLPReceiver.attributes(root)
        #expect(rootAttributes["http.response.status_code"] as? Int == 200)
        #expect(rootAttributes["gen_ai.provider.name"] as? String == "mock")
        let attempts = spans.filter { $0["parentSpanId"] as? String == root["spanId"] as? String }
        #expect(attempts.allSatisfy { $0["traceId"] as? String == caller.trace && $0["kind"] as? Int == 3 })
        let failed = try #require(attempts.first { $0["name"] as? String == "chat openai" })
        #expect(OTLPReceiver.attributes(failed)["error.type"] as? String == "unavailable")
        #expect((failed["status"] as? [String: Any])?["code"] as? Int == 2)
        let answered = try #require(attempts.first { $0["name"] as? String == "chat mock" })
        let answeredAttributes = OTLPReceiver.attributes(answered)
        #expect(answeredAttributes["gen_ai.operation.name"] as? String == "chat")
        #expect(answeredAttributes["gen_ai.request.model"] as? String == "mock")
        #expect((answeredAttributes["gen_ai.usage.output_tokens"] as? Int ?? 0) > 0)
        #expect(Int(answered["startTimeUnixNano"] as? String ?? "") ?? 0 >= Int(root["startTimeUnixNano"] as? String ?? "") ?? .max)

        // Every line on standard error is one JSON object; the chat has its access line.
        let lines = try String(contentsOf: errors, encoding: .utf8).split(separator: "\n")
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(!lines.isEmpty && objects.count == lines.count, "\(lines.filter { !$0.hasPrefix("{") })")
        let access = try #require(objects.first { $0["message"] as? String == "request" && $0["route"] as? String == "/api/chat" })
        #expect(access["request"] as? String == "ops-request-1")
        #expect(access["status"] as? Int == 200)
        #expect(access["provider"] as? String == "mock")
        #expect(access["level"] as? String == "info")
        #expect((access["duration_ms"] as? Double ?? -1) >= 0)
        #expect((access["time"] as? String)?.hasSuffix("Z") == true)
    }
}
