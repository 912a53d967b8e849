import HTTPTypes
import Metrics
import Synchronization

/// The HTTP metrics of `GET /metrics`: requests, errors and durations per route, method and status, and the requests
/// in flight per method — the names and dimensions of Hummingbird's MetricsMiddleware, recorded by ``FrontMiddleware``.
///
/// Not that middleware itself: it times the response until its body is written by wrapping the body in a closure, and a
/// closure body takes the response off Hummingbird's one-write path (head, body and end in one batch to the event
/// loop), which costs every request two more hand-offs and socket writes. A
/// request is timed here until its response is ready; the API's bodies are single buffers, written at once after it.
final class RequestMetrics: Sendable {
    private struct Key: Hashable {
        var endpoint: String
        var method: HTTPRequest.Method
        var status: HTTPResponse.Status
    }

    private struct Recorders {
        var requests: Counter
        var duration: Timer
        var errors: Counter?
    }

    private let factory: any MetricsFactory
    /// Made once per route, method and status: making one goes through the factory's registry.
    private let recorders = Mutex<[Key: Recorders]>([:])
    private let active = Mutex<[HTTPRequest.Method: Meter]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Counts a request in flight until `finished` is called with the meter returned.
    func started(_ method: HTTPRequest.Method) -> Meter {
        let meter = active.withLock { meters in
            if let meter = meters[method] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)], factory: factory)
            meters[method] = meter
            return meter
        }
        meter.increment()
        return meter
    }

    /// Records one answered request; `failed` when a route threw rather than returned (its error became the response).
    func finished(
        _ meter: Meter,
        endpoint: String,
        method: HTTPRequest.Method,
        status: HTTPResponse.Status,
        failed: Bool,
        elapsed: Duration
    ) {
        let key = Key(endpoint: endpoint, method: method, status: status)
        let recorders = recorders.withLock { all in
            if let known = all[key], !failed || known.errors != nil { return known }
            var recorders = all[key] ?? make(key)
            // Made on the first error only, so that routes that never failed show no error series at all.
            if failed, recorders.errors == nil {
                recorders.errors = Counter(label: "hb.request.errors", dimensions: dimensions(key, status: "error.type"), factory: factory)
            }
            all[key] = recorders
            return recorders
        }
        recorders.requests.increment()
        if failed { recorders.errors?.increment() }
        let (seconds, attoseconds) = elapsed.components
        recorders.duration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        meter.decrement()
    }

    private func make(_ key: Key) -> Recorders {
        let dimensions = dimensions(key, status: "http.response.status_code")
        return Recorders(
            requests: Counter(label: "hb.requests", dimensions: dimensions, factory: factory),
            duration: Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory)
        )
    }

    private func dimensions(_ key: Key, status name: String) -> [(String, String)] {
        [("http.route", key.endpoint), ("http.request.method", key.method.rawValue), (name, String(key.status.code))]
    }
}
