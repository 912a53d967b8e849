import NIOCore
import RevoCore
import RevoRuntime
import RevoSim
import Testing

@testable import RevoServer

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test("a bucket allows its capacity at once, then refills at capacity per period")
    func tokenBucket() throws {
        let sim = SimulationExecutor()
        let clock = SystemClock(sim.clock)
        let limiter = RateLimiter<String>(capacity: 3, per: .seconds(60), clock: clock)
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
        let limiter = RateLimiter<String>(capacity: 1, per: .seconds(60), maxClients: 2, clock: SystemClock(sim.clock))
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

    @Test("a flood of clients keeps the buckets and the queue of uses bounded; a busy client is never the one evicted")
    func flood() throws {
        let sim = SimulationExecutor()
        let limiter = RateLimiter<Int>(capacity: 5, per: .seconds(60), maxClients: 100, clock: SystemClock(sim.clock))
        let (sizes, busy) = try sim.runToCompletion { () -> ((buckets: Int, uses: Int), Duration?) in
            var busy: Duration?
            for client in 1...10_000 {
                _ = limiter.take(client)
                // Client 0 asks all the time: it stays among the most recently used, so its bucket (empty) is kept.
                if client.isMultiple(of: 10) { busy = limiter.take(0) }
            }
            return (limiter.sizes, busy)
        }
        #expect(sizes.buckets == 100)
        #expect(sizes.uses <= 2 * 100 + 64)
        #expect(busy != nil, "client 0's bucket was never forgotten and refilled")
    }

    @Test("clients are told apart by address, not port; v4 and v6 are different clients")
    func addresses() throws {
        let a = try SocketAddress(ipAddress: "10.0.0.1", port: 1000)
        let b = try SocketAddress(ipAddress: "10.0.0.1", port: 2000)
        let c = try SocketAddress(ipAddress: "10.0.0.2", port: 1000)
        let v6 = try SocketAddress(ipAddress: "::1", port: 1000)
        let v6b = try SocketAddress(ipAddress: "::1", port: 3000)
        #expect(ClientAddress(a) == ClientAddress(b))
        #expect(ClientAddress(a) != ClientAddress(c))
        #expect(ClientAddress(v6) == ClientAddress(v6b))
        #expect(ClientAddress(v6) != ClientAddress(a))
        #expect(ClientAddress(nil) == ClientAddress(nil))
    }
}
