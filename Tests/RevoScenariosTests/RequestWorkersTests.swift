import RevoRuntime
import Synchronization
import Testing

@testable import RevoScenarios
@testable import RevoSim

@Suite("Request workers")
struct RequestWorkersTests {
    /// Runs requests that each take `takes`, one every `every`, on workers, and closes them after the last arrival, or
    /// once every request is done; returns the order they finished in, how many workers were started, and when the
    /// simulation ended.
    static func run(_ count: Int, every: Duration, takes: Duration, closeWhenIdle: Bool) throws -> (order: [Int], workers: Int, end: Duration) {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let order = Mutex<[Int]>([])
        let workers = try sim.runToCompletion {
            let workers = RequestWorkers(starter: sim)
            for index in 0..<count {
                try await clock.sleep(until: every * index)
                workers.run {
                    try? await clock.sleep(for: takes)
                    order.withLock { $0.append(index) }
                }
            }
            if closeWhenIdle { try await clock.sleep(for: takes) }
            workers.close()
            return workers
        }
        // runToCompletion throws on a stall: a worker left waiting after close() would be one.
        return (order.withLock { $0 }, workers.started, sim.statistics.virtualTime)
    }

    @Test("requests that never overlap run one after another on one worker", arguments: [false, true])
    func oneWorker(closeWhenIdle: Bool) throws {
        let (order, workers, end) = try Self.run(5, every: .seconds(2), takes: .seconds(1), closeWhenIdle: closeWhenIdle)
        #expect(order == [0, 1, 2, 3, 4])
        #expect(workers == 1)
        #expect(end == .seconds(9))
    }

    @Test("as many workers start as requests run at once, and every one ends after close", arguments: [false, true])
    func overlapping(closeWhenIdle: Bool) throws {
        let (order, workers, end) = try Self.run(10, every: .seconds(1), takes: .milliseconds(2_500), closeWhenIdle: closeWhenIdle)
        #expect(order == Array(0..<10))
        #expect(workers == 3)
        #expect(end == .milliseconds(11_500))
    }
}
