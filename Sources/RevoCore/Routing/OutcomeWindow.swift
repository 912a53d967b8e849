/// Calls and failures over a sliding window, counted in sixty equal slots of it: recording is O(1) and the memory
/// fixed, whatever the load. Keeping every outcome for the whole window grew with traffic — three guarded calls per
/// chat request at 15,000 requests/s is 2.7 M entries a minute, tens of MB streamed through the caches — for a
/// precision no rule needs: an outcome leaves the window at most one slot (a sixtieth of it) early.
struct OutcomeWindow: Sendable {
    static let slots = 60

    let window: Duration
    private let slotNanoseconds: Int64
    private var calls = [Int](repeating: 0, count: Self.slots)
    private var failures = [Int](repeating: 0, count: Self.slots)
    /// The absolute index (time / slot width) of the newest slot counted; nil while empty.
    private var newest: Int64?
    /// Calls in the window as of the last record.
    private(set) var callCount = 0
    /// Failed calls in the window as of the last record.
    private(set) var failureCount = 0

    init(window: Duration) {
        self.window = window
        self.slotNanoseconds = max(1, window.nanoseconds / Int64(Self.slots))
    }

    /// Counts a call that ended at `now`, after dropping the slots that left the window by then. A call that ended
    /// a little before the newest one counted (concurrent callers) goes to its own slot while that is in the window.
    mutating func record(failed: Bool, at now: Duration) {
        let slot = now.nanoseconds.dividedRoundingDown(by: slotNanoseconds)
        advance(to: slot)
        guard let newest, newest - slot < Int64(Self.slots) else { return }
        let index = Self.ring(slot)
        calls[index] += 1
        callCount += 1
        if failed {
            failures[index] += 1
            failureCount += 1
        }
    }

    mutating func removeAll() {
        for index in 0..<Self.slots {
            calls[index] = 0
            failures[index] = 0
        }
        newest = nil
        callCount = 0
        failureCount = 0
    }

    private mutating func advance(to slot: Int64) {
        guard let newest else {
            self.newest = slot
            return
        }
        guard slot > newest else { return }
        if slot - newest >= Int64(Self.slots) {
            removeAll()
        } else {
            for passed in (newest + 1)...slot {
                let index = Self.ring(passed)
                callCount -= calls[index]
                failureCount -= failures[index]
                calls[index] = 0
                failures[index] = 0
            }
        }
        self.newest = slot
    }

    /// Where an absolute slot lives in the ring.
    private static func ring(_ slot: Int64) -> Int {
        Int(slot - slot.dividedRoundingDown(by: Int64(slots)) * Int64(slots))
    }
}

extension Int64 {
    /// Floor division: the slot of a time before zero is the one before slot 0, not slot 0 itself.
    func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? quotient - 1 : quotient
    }
}
