/// Why a provider could not load or answer. Each case belongs to an ``ErrorClass`` that decides what routing does next.
public enum ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not ready: not loaded, no credentials, disabled.
    case unavailable(String)
    /// A native library the model needs does not load (`No module named 'transformers'`).
    case missingLibrary(String)
    /// The model's weights are not where they should be.
    case missingWeights(String)
    /// Not enough RAM or GPU memory, at load or under load (`CUDA out of memory`).
    case outOfMemory(String)
    /// Nothing listens where the provider should be.
    case connectionRefused(String)
    /// The credentials were rejected (HTTP 401/403).
    case authentication(String)
    /// Too many requests (HTTP 429), with the server's Retry-After when it sent one.
    case rateLimited(retryAfter: Duration?)
    /// No answer in time.
    case timeout
    /// The provider failed (HTTP 5xx).
    case serverError(status: Int, message: String)
    /// Prompt plus requested completion exceed the model's window.
    case contextTooLong(limit: Int, requested: Int)
    /// The provider refused the content.
    case contentPolicy(String)
    /// The request itself is wrong (HTTP 400): no other provider will do better.
    case invalidRequest(String)

    public var errorClass: ErrorClass {
        switch self {
        case .unavailable, .missingLibrary, .missingWeights, .outOfMemory, .connectionRefused, .authentication: .unavailable
        case .rateLimited: .rateLimited
        case .timeout: .timeout
        case .serverError: .serverError
        case .contextTooLong: .contextTooLong
        case .contentPolicy: .contentPolicy
        case .invalidRequest: .invalidRequest
        }
    }

    public var description: String {
        switch self {
        case .unavailable(let reason): "unavailable: \(reason)"
        case .missingLibrary(let library): "missing native library: No module named '\(library)'"
        case .missingWeights(let path): "missing weights: \(path)"
        case .outOfMemory(let detail): detail.lowercased().contains("out of memory") ? detail : "out of memory: \(detail)"
        case .connectionRefused(let target): "connection refused: \(target)"
        case .authentication(let detail): "authentication failed: \(detail)"
        case .rateLimited(let retryAfter): retryAfter.map { "rate limited (Retry-After \($0.formattedSeconds))" } ?? "rate limited"
        case .timeout: "timed out"
        case .serverError(let status, let message): "server error \(status): \(message)"
        case .contextTooLong(let limit, let requested): "context too long: \(requested) tokens, window \(limit)"
        case .contentPolicy(let detail): "content policy: \(detail)"
        case .invalidRequest(let detail): "invalid request: \(detail)"
        }
    }
}

/// An error that stands for a provider error (a fake's stream fault): routing treats it as that error.
public protocol ProviderErrorConvertible: Error {
    var providerError: ProviderError { get }
}

/// The classes of provider failure; routing is configured per class.
public enum ErrorClass: String, Sendable, Codable, CaseIterable, Comparable {
    case unavailable
    case rateLimited = "rate_limited"
    case timeout
    case serverError = "server_error"
    case contextTooLong = "context_too_long"
    case contentPolicy = "content_policy"
    case invalidRequest = "invalid_request"

    public static func < (lhs: ErrorClass, rhs: ErrorClass) -> Bool { lhs.rawValue < rhs.rawValue }
}
