import Logging

/// Keeps a logger's metadata itself and hands it to the stream handler only when a line is written. StreamLogHandler
/// renders its metadata again on every change, and every request changes it twice (Hummingbird's request ID and
/// revo's): 2–3% of a chat request's CPU (`perf`), for lines that at the default level are seldom written. The output
/// is the stream handler's own; only a metadata provider's values now lose to the logger's on equal keys.
struct DeferredMetadataLogHandler: LogHandler {
    var inner: StreamLogHandler
    var metadata: Logger.Metadata = [:]

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            event.metadata = event.metadata.map { metadata.merging($0) { _, explicit in explicit } } ?? metadata
        }
        inner.log(event: event)
    }
}
