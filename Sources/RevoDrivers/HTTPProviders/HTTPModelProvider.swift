public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
public import RevoCore

/// A remote model over HTTP (OpenAI-compatible or Anthropic), streamed over SSE through AsyncHTTPClient.
///
/// Refusals become ``ProviderError``s by status (``HTTPStatusMapping``), with Retry-After; a stream that ends before
/// the API's end marker is reported as interrupted (`502 stream disconnected after N tokens`). The caller's deadline
/// cancels the request (AsyncHTTPClient honours task cancellation); `requestTimeout` is only a backstop.
public final class HTTPModelProvider: ModelProvider {
    public struct Endpoint: Sendable, Equatable {
        public var api: HTTPProviderAPI
        /// Up to the version segment: `http://host:port/v1` for OpenAI-compatible servers, `https://api.anthropic.com`.
        public var baseURL: String
        public var model: String
        public var apiKey: String?

        public init(api: HTTPProviderAPI, baseURL: String, model: String, apiKey: String? = nil) {
            self.api = api
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.model = model
            self.apiKey = apiKey
        }
    }

    public let descriptor: ModelDescriptor
    public let endpoint: Endpoint
    private let client: HTTPClient
    private let requestTimeout: Duration

    public init(descriptor: ModelDescriptor, endpoint: Endpoint, client: HTTPClient, requestTimeout: Duration = .seconds(300)) {
        self.descriptor = descriptor
        self.endpoint = endpoint
        self.client = client
        self.requestTimeout = requestTimeout
    }

    /// A client configured for model upstreams: a refused connection fails the request at once (routing has its own
    /// retries and fallbacks, and a pool retrying until its connect timeout would hold every request that long);
    /// connecting may take 2 s.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(2)))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func load() async throws(ProviderError) {}

    public func unload() async {}

    public func health() async -> ProviderHealth {
        var request = HTTPClientRequest(url: endpoint.baseURL + (endpoint.api == .openAI ? "/models" : "/v1/models"))
        authorize(&request)
        do {
            let response = try await client.execute(request, timeout: .seconds(2))
            _ = try? await response.body.collect(upTo: 1 << 20)
            switch response.status.code {
            case 200..<300: return .healthy
            case 401, 403: return .unhealthy("authentication failed (HTTP \(response.status.code))")
            // Some compatible servers list no models; reachable is what matters here.
            case 404: return .healthy
            default: return .unhealthy("HTTP \(response.status.code) from \(endpoint.baseURL)")
            }
        } catch {
            return .unhealthy("\(Self.map(error, endpoint: endpoint, tokens: nil))")
        }
    }

    public func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationChunk, any Error> {
        let stream = Stream(provider: self, request: request)
        return AsyncThrowingStream { try await stream.next() }
    }

    fileprivate func authorize(_ request: inout HTTPClientRequest) {
        guard let key = endpoint.apiKey else { return }
        switch endpoint.api {
        case .openAI: request.headers.add(name: "authorization", value: "Bearer \(key)")
        case .anthropic: request.headers.add(name: "x-api-key", value: key)
        }
    }

    fileprivate func start(_ generation: GenerationRequest) async throws(ProviderError) -> HTTPClientResponse {
        var request = HTTPClientRequest(url: endpoint.baseURL + endpoint.api.path)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: "text/event-stream")
        if endpoint.api == .anthropic { request.headers.add(name: "anthropic-version", value: "2023-06-01") }
        if !generation.requestID.isEmpty { request.headers.add(name: "x-request-id", value: generation.requestID) }
        authorize(&request)
        request.body = .bytes(endpoint.api.body(generation, model: endpoint.model))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .nanoseconds(requestTimeout.nanoseconds))
        } catch {
            throw Self.map(error, endpoint: endpoint, tokens: nil)
        }
        guard (200..<300).contains(response.status.code) else {
            let body = (try? await response.body.collect(upTo: 64 << 10)).map { String(buffer: $0) } ?? ""
            throw HTTPStatusMapping.error(
                status: Int(response.status.code),
                body: body,
                retryAfter: HTTPStatusMapping.retryAfter(
                    milliseconds: response.headers.first(name: "retry-after-ms"),
                    value: response.headers.first(name: "retry-after")
                ),
                request: generation,
                contextWindow: descriptor.contextWindow
            )
        }
        return response
    }

    /// A transport failure as a provider error: nothing listening, too slow, or cut off after `tokens` tokens.
    static func map(_ error: any Error, endpoint: Endpoint, tokens: Int?) -> ProviderError {
        if error is CancellationError { return .timeout }
        if let tokens { return .serverError(status: 502, message: "stream disconnected after \(tokens) tokens: \(error)") }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return .timeout
            case .connectTimeout: return .connectionRefused("\(endpoint.baseURL) (connect timed out)")
            case .remoteConnectionClosed: return .serverError(status: 502, message: "\(endpoint.baseURL) closed the connection")
            case .cancelled: return .timeout
            default: break
            }
        }
        let text = "\(error)"
        if text.contains("refused") || text.contains("NIOConnectionError") || text.contains("connectTimeout") {
            return .connectionRefused(endpoint.baseURL)
        }
        return .serverError(status: 502, message: "\(endpoint.baseURL): \(text)")
    }
}

/// One generation's progress through the response: used by the one task that consumes the stream.
private final class Stream: @unchecked Sendable {
    private let provider: HTTPModelProvider
    private let request: GenerationRequest
    private var body: HTTPClientResponse.Body.AsyncIterator?
    private var parser = ServerSentEventParser()
    private var pending: [GenerationChunk] = []
    private var tokens = 0
    private var promptTokens: Int?
    private var completionTokens: Int?
    private var finished = false

    init(provider: HTTPModelProvider, request: GenerationRequest) {
        self.provider = provider
        self.request = request
    }

    func next() async throws(ProviderError) -> GenerationChunk? {
        while true {
            if !pending.isEmpty { return pending.removeFirst() }
            if finished { return nil }
            if body == nil { body = try await provider.start(request).body.makeAsyncIterator() }
            let buffer: ByteBuffer?
            do {
                buffer = try await body?.next()
            } catch {
                throw HTTPModelProvider.map(error, endpoint: provider.endpoint, tokens: tokens)
            }
            guard let buffer else {
                throw ProviderError.serverError(status: 502, message: "stream disconnected after \(tokens) tokens")
            }
            for event in parser.feed(buffer) {
                for decoded in provider.endpoint.api.decode(event) {
                    switch decoded {
                    case .text(let text):
                        tokens += 1
                        pending.append(.token(text))
                    case .usage(let prompt, let completion):
                        promptTokens = prompt ?? promptTokens
                        completionTokens = completion ?? completionTokens
                    case .failed(let message):
                        throw ProviderError.serverError(status: 502, message: "stream error after \(tokens) tokens: \(message)")
                    case .done:
                        finished = true
                        pending.append(
                            .finished(
                                TokenUsage(promptTokens: promptTokens ?? request.estimatedPromptTokens, completionTokens: completionTokens ?? tokens)
                            )
                        )
                    case .ignored:
                        continue
                    }
                }
            }
        }
    }
}
