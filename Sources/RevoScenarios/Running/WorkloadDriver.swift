import RevoCore
package import RevoRuntime
import Synchronization

/// The workload as an open model, written once for both modes: arrivals drawn from the seed, each sent at its time by
/// one of the users in a task that is not busy with another (``RequestWorkers``), then the requests still running let
/// finish (each is bounded by its deadline). Sim and live differ only in the client's transport, its clock and the
/// task starter.
package struct WorkloadDriver: Sendable {
    let scenario: Scenario
    let client: WorkloadClient
    let users: [VirtualUser]
    let random: SeededRandom
    let starter: any TaskStarter
    /// Called with each request once it is recorded (the simulation writes it into its trace).
    package var finished: (@Sendable (_ index: Int, RequestRecord) -> Void)?

    package init(scenario: Scenario, client: WorkloadClient, users: [VirtualUser], random: SeededRandom, starter: any TaskStarter) {
        self.scenario = scenario
        self.client = client
        self.users = users
        self.random = random
        self.starter = starter
    }

    /// Requests still running this long after the scenario's end are no longer waited for.
    var drainLimit: Duration {
        scenario.duration + scenario.system.routing.requestDeadline + .seconds(10)
    }

    package func drive() async {
        let clock = client.clock
        let metrics = client.metrics
        let arrivals = WorkloadPlan.arrivals(scenario.workload, duration: scenario.duration, random: random)
        let inFlight = InFlightCounter()
        var prompts = random.split("workload.prompts")
        var choices = random.split("workload.clients")
        // Unstructured tasks, reused from one arrival to the next: a task group with thousands of live children is
        // quadratic.
        let workers = RequestWorkers(starter: starter)
        defer { workers.close() }
        for (index, arrival) in arrivals.enumerated() {
            do { try await clock.sleep(until: arrival.at) } catch { break }
            let draw = self.draw(index: index, prompts: &prompts, choices: &choices)
            inFlight.add(1)
            workers.run { [client, finished] in
                let record = await client.perform(arrival, index: index, draw: draw)
                metrics.record(record)
                finished?(index, record)
                inFlight.add(-1)
            }
        }
        try? await clock.sleep(until: scenario.duration)
        while inFlight.value > 0, clock.now < drainLimit {
            try? await clock.sleep(for: .milliseconds(100))
        }
    }

    /// What the arrival loop draws for one request from the workload's seeded streams, in this order: the prompt, the
    /// user, whether (and which) bad input is sent, one more number for further choices.
    private func draw(index: Int, prompts: inout SeededRandom, choices: inout SeededRandom) -> WorkloadClient.Draw {
        let workload = scenario.workload
        let prompt = WorkloadPlan.prompt(index: index, workload: workload, random: &prompts)
        let user = users[Int(choices.next() % UInt64(users.count))]
        var bad: BadInput? =
            workload.badInput > 0 && choices.chance(workload.badInput)
            ? workload.badInputKinds[Int(choices.next() % UInt64(workload.badInputKinds.count))] : nil
        // An expired token needs the server's secret; without it (an empty token) that kind is sent as a tampered token.
        if bad == .expiredToken, client.expiredTokens[user.index].isEmpty { bad = .tamperedToken }
        return WorkloadClient.Draw(prompt: prompt, user: user, badInput: bad, unit: choices.nextUnitInterval())
    }
}

/// Requests started and not yet finished.
final class InFlightCounter: Sendable {
    private let count = Mutex(0)

    func add(_ delta: Int) {
        count.withLock { $0 += delta }
    }

    var value: Int { count.withLock { $0 } }
}
