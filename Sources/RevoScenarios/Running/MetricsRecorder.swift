import Histogram
public import RevoCore
import Synchronization

/// Everything measured during one run: request records, health samples (kept as transitions), memory.
public final class MetricsRecorder: Sendable {
    public struct HealthChange: Sendable, Equatable, Codable {
        public var at: Double
        public var service: String
        public var status: HealthStatus
        public var reason: String?
    }

    struct State {
        var records: [RequestRecord] = []
        var healthChanges: [HealthChange] = []
        var lastStatus: [String: HealthStatus] = [:]
        /// (time, services' statuses and first reasons) per health sample, for state checks.
        var healthSamples: [HealthSample] = []
        var memorySamples: [MemorySample] = []
        /// The last sampled report, its check time cleared, and the statuses recorded for it.
        var lastSample: (report: HealthReport, statuses: [(service: String, status: HealthStatus, reason: String?)])?
        var acknowledgedWrites: [String] = []
        var scaleEvents: [ParallelMindEngine.ScaleEvent] = []
        var sessions: [WebSocketSession] = []
    }

    /// What one simulated WebSocket client went through.
    public struct WebSocketSession: Sendable, Equatable {
        public var conversation: String
        public var messages: Int
        public var answered: Int
        /// Messages that ended with an error the client was told about.
        public var reportedErrors: Int
        public var reconnects: Int
        /// Interruptions whose reported delivered tokens or text differ from what the client received.
        public var inconsistencies: Int
        /// Messages whose reply the client cancelled and the server confirmed.
        public var cancelled = 0
    }

    /// One `GET /health`: each service's status and reasons, joined (the overall status and readiness among them).
    struct HealthSample: Sendable {
        var at: Duration
        var statuses: [(service: String, status: HealthStatus, reason: String?)]

        func status(of service: String) -> (status: HealthStatus, reason: String?)? {
            statuses.first { $0.service == service }.map { ($0.status, $0.reason) }
        }
    }

    /// Memory at one sample: the process's, measured (nil where it cannot be), and the machine's as modelled (the
    /// fake models' footprints; nil outside the simulation).
    struct MemorySample: Sendable {
        var at: Duration
        var processBytes: Int?
        var machineBytes: ByteCount?
    }

    private let state = Mutex(State())

    public init() {}

    func record(_ record: RequestRecord) {
        state.withLock { $0.records.append(record) }
    }

    /// Requests finished so far, those that failed, and the p95 of those that finished within `window` before `now`
    /// (measured from the run's start, as records' arrival and latency are).
    package func progress(now: Duration, window: Duration) -> (requests: Int, errors: Int, p95: Duration?) {
        state.withLock { state in
            var recent: [Duration] = []
            var errors = 0
            for record in state.records {
                if !record.succeeded { errors += 1 }
                if record.intendedAt + record.latency >= now - window { recent.append(record.latency) }
            }
            recent.sort()
            let p95 = recent.isEmpty ? nil : recent[min(recent.count - 1, Int((Double(recent.count) * 0.95).rounded(.up)) - 1)]
            return (state.records.count, errors, p95)
        }
    }

    func session(_ session: WebSocketSession) {
        state.withLock { $0.sessions.append(session) }
    }

    func scaled(_ events: [ParallelMindEngine.ScaleEvent]) {
        state.withLock { $0.scaleEvents = events }
    }

    func acknowledged(_ id: String) {
        state.withLock { $0.acknowledgedWrites.append(id) }
    }

    package func sample(_ report: HealthReport, processBytes: Int?, machineBytes: ByteCount?) {
        state.withLock { s in
            s.memorySamples.append(MemorySample(at: report.checkedAt, processBytes: processBytes, machineBytes: machineBytes))
            // The same report as the last sample's, at a later time: the same statuses, and nothing changed.
            var key = report
            key.checkedAt = .zero
            if let last = s.lastSample, last.report == key {
                s.healthSamples.append(HealthSample(at: report.checkedAt, statuses: last.statuses))
                return
            }
            // Labelled as the sample's own array is: an unlabelled one is converted element by element with a dynamic
            // cast.
            var statuses: [(service: String, status: HealthStatus, reason: String?)] = []
            for entry in report.services {
                let name = entry.service.rawValue
                statuses.append((name, entry.health.status, entry.health.reasons.isEmpty ? nil : entry.health.reasons.joined(separator: "; ")))
                if s.lastStatus[name] != entry.health.status {
                    s.lastStatus[name] = entry.health.status
                    s.healthChanges.append(
                        HealthChange(at: report.checkedAt.seconds, service: name, status: entry.health.status, reason: entry.health.reasons.first)
                    )
                }
            }
            // The overall status and readiness are sampled like services, so checks and charts can use them.
            let ready: HealthStatus = report.ready ? .healthy : .unhealthy
            for (name, status, reason) in [("overall", report.status, nil), ("ready", ready, report.notReadyBecause.first)] {
                statuses.append((name, status, reason))
                if s.lastStatus[name] != status {
                    s.lastStatus[name] = status
                    s.healthChanges.append(HealthChange(at: report.checkedAt.seconds, service: name, status: status, reason: reason))
                }
            }
            s.healthSamples.append(HealthSample(at: report.checkedAt, statuses: statuses))
            s.lastSample = (key, statuses)
        }
    }

    var records: [RequestRecord] { state.withLock { $0.records } }
    var healthChanges: [HealthChange] { state.withLock { $0.healthChanges } }
    var healthSamples: [HealthSample] { state.withLock { $0.healthSamples } }
    var memorySamples: [MemorySample] { state.withLock { $0.memorySamples } }
    package var acknowledgedWrites: [String] { state.withLock { $0.acknowledgedWrites } }
    var scaleEvents: [ParallelMindEngine.ScaleEvent] { state.withLock { $0.scaleEvents } }
    var sessions: [WebSocketSession] { state.withLock { $0.sessions } }
}

/// An HdrHistogram of durations in microseconds (1 µs to 1 h, three significant digits).
struct LatencyHistogram {
    private(set) var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1,
        highestTrackableValue: 3_600_000_000,
        numberOfSignificantValueDigits: .three
    )

    init<S: Sequence<Duration>>(_ samples: S) {
        for sample in samples { record(sample) }
    }

    mutating func record(_ duration: Duration) {
        let micros = UInt64(max(1, min(3_600_000_000, duration.nanoseconds / 1_000)))
        _ = histogram.record(micros)
    }

    var count: Int { Int(histogram.totalCount) }

    /// Milliseconds at the percentile (0...100).
    func milliseconds(at percentile: Double) -> Double {
        Double(histogram.valueAtPercentile(percentile)) / 1_000
    }

    var meanMilliseconds: Double { histogram.mean / 1_000 }
}
