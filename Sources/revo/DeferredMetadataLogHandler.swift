import Logging

/// Keeps a logger's metadata itself and hands it to the stream handler only when a line is written. StreamLogHandler
/// renders its metadata again on every change, and every request changes it twice (Hummingbird's request ID and
/// revo's), for lines that at the default level are seldom written. The output
/// is the stream handler's own; only a metadata provider's values now lose to the logger's on equal keys.
/// With `--log-format json` the line is a ``JSONLogLine`` instead.
struct DeferredMetadataLogHandler: LogHandler {
    var inner: StreamLogHandler
    var label: String
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
        if JSONLogLine.isEnabled {
            let provided = metadataProvider?.get() ?? [:]
            JSONLogLine.write(event, label: label, metadata: provided.merging(event.metadata ?? [:]) { _, explicit in explicit })
        } else {
            inner.log(event: event)
        }
    }
}
