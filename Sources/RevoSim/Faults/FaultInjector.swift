import RevoCore
public import RevoRuntime
import Synchronization

/// Decides, for each operation a fake performs, which declared fault (if any) hits it, and counts every hit.
///
/// Faults are consulted in declaration order; probabilities are drawn from each fault's own seeded stream, so adding a
/// fault never changes the draws of another.
public final class FaultInjector: Sendable {
    /// How often each fault fired.
    public struct Tally: Sendable, Equatable {
        public var fault: FaultSpec
        public var fired: Int

        public init(fault: FaultSpec, fired: Int) {
            self.fault = fault
            self.fired = fired
        }
    }

    struct State {
        var fired: [Int]
        /// Per fault: (occurrence index, hits in it) for `firstN`.
        var occurrenceHits: [(occurrence: Int, hits: Int)]
        var random: [SeededRandom]
    }

    public let faults: [FaultSpec]
    private let clock: SystemClock
    private let state: Mutex<State>

    public init(faults: [FaultSpec], random: SeededRandom, clock: SystemClock) {
        self.faults = faults
        self.clock = clock
        self.state = Mutex(
            State(
                fired: Array(repeating: 0, count: faults.count),
                occurrenceHits: Array(repeating: (-1, 0), count: faults.count),
                random: faults.map { random.split("fault." + $0.id) }
            )
        )
    }

    /// The first fault that hits `operation` on `target` now, counted as fired; nil when none does.
    public func hit(_ target: FaultSpec.Target, operation: String) -> FaultSpec? {
        hits(target, operation: operation, first: true).first
    }

    /// Every fault of `target` that is active now and matches `operation`, each counted as fired (for faults that
    /// combine, like latency on top of an error).
    public func hits(_ target: FaultSpec.Target, operation: String, first: Bool = false) -> [FaultSpec] {
        let now = clock.now
        return state.withLock { s in
            var found: [FaultSpec] = []
            for (index, fault) in faults.enumerated() where fault.target == target {
                guard fault.operations.isEmpty || fault.operations.contains(operation),
                    let occurrence = fault.occurrence(at: now)
                else { continue }
                if let firstN = fault.firstN {
                    if s.occurrenceHits[index].occurrence != occurrence { s.occurrenceHits[index] = (occurrence, 0) }
                    guard s.occurrenceHits[index].hits < firstN else { continue }
                }
                if fault.probability < 1 {
                    guard s.random[index].chance(fault.probability) else { continue }
                }
                if case .errorRate(let rate, _) = fault.kind {
                    guard s.random[index].chance(rate) else { continue }
                }
                s.occurrenceHits[index].hits += 1
                s.fired[index] += 1
                found.append(fault)
                if first { break }
            }
            return found
        }
    }

    /// Faults of `target` active now, without counting (for state such as a machine's memory, counted by the caller
    /// through ``markFired(_:)`` when the state is actually read).
    public func active(_ target: FaultSpec.Target) -> [FaultSpec] {
        let now = clock.now
        return faults.filter { $0.target == target && $0.occurrence(at: now) != nil }
    }

    public func markFired(_ fault: FaultSpec) {
        guard let index = faults.firstIndex(of: fault) else { return }
        state.withLock { $0.fired[index] += 1 }
    }

    public var tallies: [Tally] {
        state.withLock { s in faults.indices.map { Tally(fault: faults[$0], fired: s.fired[$0]) } }
    }
}
