import Foundation
import RevoScenarios

extension Scenario {
    /// The scenario with its timeline multiplied by `factor`: duration, fault times and bursts.
    func scaled(by factor: Double) -> Scenario {
        guard factor != 1 else { return self }
        func scale(_ duration: Duration) -> Duration { duration * factor }
        var copy = self
        copy.duration = scale(duration)
        copy.faults = faults.map { fault in
            var fault = fault
            fault.at = scale(fault.at)
            fault.duration = fault.duration.map(scale)
            fault.every = fault.every.map(scale)
            return fault
        }
        copy.workload.bursts = workload.bursts.map { burst in
            var burst = burst
            burst.at = scale(burst.at)
            burst.over = scale(burst.over)
            return burst
        }
        return copy
    }
}
