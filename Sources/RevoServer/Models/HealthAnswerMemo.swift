import RevoCore
import Synchronization

/// The last `GET /health` answer's text, written again only when the report it says differs. Monitors poll the
/// route every few seconds and the report seldom changes between polls, while writing it sorts and escapes every
/// service's reasons.
final class HealthAnswerMemo: Sendable {
    private struct Last {
        /// The report with its check time cleared: the answer does not say it.
        var report: HealthReport
        var json: [UInt8]
    }

    private let last = Mutex<Last?>(nil)

    func json(for report: HealthReport) -> [UInt8] {
        var key = report
        key.checkedAt = .zero
        if let json = last.withLock({ $0?.report == key ? $0?.json : nil }) { return json }
        let json = HealthAnswer(report).json
        last.withLock { $0 = Last(report: key, json: json) }
        return json
    }
}
