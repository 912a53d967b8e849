public import Hummingbird
public import Logging

/// The request id in log lines, without a copy of the logger per request.
///
/// `FrontMiddleware` binds the id for the request's whole handling; ``provider``, given to `LoggingSystem.bootstrap`,
/// reads it only when a line is written. As logger metadata, the id would copy the logger's handler and its metadata
/// on every request, logged or not.
public enum RequestLogMetadata {
    @TaskLocal public static var requestID: String?

    /// The metadata key of the id in every line that names a request.
    public static let key = "request"

    /// Adds ``key`` to every line written while a request is handled.
    public static let provider = Logger.MetadataProvider {
        guard let id = requestID else { return [:] }
        return [key: .string(id)]
    }
}

/// A request context that keeps the id `FrontMiddleware` gave its request, for work that outlives the handling (a
/// WebSocket session's log lines).
public protocol RequestIDContext: RequestContext {
    var requestID: String? { get set }
}

extension Logger {
    /// This logger with `request` metadata, for work that runs after the request's handling returned.
    func naming(request id: String?) -> Logger {
        guard let id else { return self }
        var logger = self
        logger[metadataKey: RequestLogMetadata.key] = .string(id)
        return logger
    }
}
