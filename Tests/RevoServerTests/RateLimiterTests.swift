import RevoCore
import RevoServer
import RevoSim
import Testing

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test("a bucket allows its capacity at once, then refills at capacity per period")
    func tokenBucket() throws {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let limiter = RateLimiter(capacity: 3, per: .seconds(60), clock: clock)
        let waits = try sim.runToCompletion { () -> [Duration?] in
            var waits = (0..<4).map { _ in limiter.take("a") }
            waits.append(limiter.take("b"))  // another client has its own bucket
            try await clock.sleep(for: .seconds(20))
            waits.append(limiter.take("a"))
            waits.append(limiter.take("a"))
            return waits
        }
        #expect(waits == [nil, nil, nil, .seconds(20), nil, nil, .seconds(20)])
    }

    @Test("only the most recently seen clients keep a bucket")
    func boundedClients() throws {
        let sim = SimulationExecutor()
        let limiter = RateLimiter(capacity: 1, per: .seconds(60), maxClients: 2, clock: SystemClock(sim.clock))
        let waits = try sim.runToCompletion { () -> [Duration?] in
            _ = limiter.take("a")
            try await sim.clock.sleep(for: .seconds(1))
            _ = limiter.take("b")
            try await sim.clock.sleep(for: .seconds(1))
            _ = limiter.take("c")  // evicts a, the least recently seen
            return [limiter.take("a"), limiter.take("c")]
        }
        #expect(waits[0] == nil, "a was forgotten and starts with a full bucket")
        #expect(waits[1] != nil)
    }
}
