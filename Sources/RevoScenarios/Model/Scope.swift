/// A phase of one fault's timeline a check is limited to: before it starts, while it is active, or after it ends
/// (optionally only within a span of the start or the end).
public struct Scope: Sendable, Equatable, CustomStringConvertible {
    public enum Phase: String, Sendable, Equatable, CaseIterable {
        case before
        case during
        case after
    }

    public var phase: Phase
    /// The fault's id.
    public var fault: String
    /// `before`: only this long before the fault starts; `after`: only this long after it ends.
    public var within: Duration?

    public init(_ phase: Phase, fault: String, within: Duration? = nil) {
        self.phase = phase
        self.fault = fault
        self.within = within
    }

    public var description: String {
        "\(phase.rawValue) \(fault)" + (within.map { " within \($0.formattedSeconds)" } ?? "")
    }

    /// The spans of a run of length `end` this scope covers, given the fault's active windows (a recurring fault has
    /// several): while active, the windows themselves; before, up to its first start; after, from its last end. Empty
    /// when the phase has no time in the run (a fault from t+0 has no before).
    public func spans(of windows: [ClosedRange<Duration>], end: Duration) -> [Range<Duration>] {
        guard let first = windows.first, let last = windows.last else { return [] }
        switch phase {
        case .during:
            return windows.map { $0.lowerBound..<max($0.upperBound, $0.lowerBound) }.filter { !$0.isEmpty }
        case .before:
            let start = within.map { max(.zero, first.lowerBound - $0) } ?? .zero
            return start < first.lowerBound ? [start..<first.lowerBound] : []
        case .after:
            let stop = within.map { min(end, last.upperBound + $0) } ?? end
            return last.upperBound < stop ? [last.upperBound..<stop] : []
        }
    }
}
