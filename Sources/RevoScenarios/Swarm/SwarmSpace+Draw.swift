import RevoCore
import RevoRuntime

extension SwarmSpace {
    /// The plan for `seed`: a random subset of the fault kinds on, each fault placed, sized and weighted within the
    /// space's bounds, so that every fault clears `recoverySeconds` before the end (unless it is drawn permanent).
    /// Each part draws from its own stream, apart from the system's.
    public func plan(seed: UInt64) -> SwarmPlan {
        let root = SeededRandom(seed: seed)
        var shape = root.split("swarm.shape")
        let duration = Self.draw(self.duration, &shape)
        let rate = self.rate.lowerBound + (self.rate.upperBound - self.rate.lowerBound) * shape.nextUnitInterval()
        let badInput = self.badInput.lowerBound + (self.badInput.upperBound - self.badInput.lowerBound) * shape.nextUnitInterval()
        var systemSeed = root.split("swarm.system")
        return SwarmPlan(
            seed: seed,
            systemSeed: systemSeed.next() % 1_000_000_000,
            space: name,
            durationSeconds: duration,
            rate: (rate * 100).rounded() / 100,
            mix: drawMix(root.split("swarm.mix")),
            badInput: (badInput * 1000).rounded() / 1000,
            faults: drawFaults(root.split("swarm.faults"), duration: duration),
            recoverySeconds: recoverySeconds,
            system: system,
            upstreamBudget: Self.upstreamBudget(systemSpec)
        )
    }

    /// Each operation kept with even odds (at least one): a swarm varies what is sent, not only how faults fall.
    private func drawMix(_ random: SeededRandom) -> [SwarmPlan.MixEntry] {
        var random = random
        var kept = mix.filter { _ in random.chance(0.5) }
        if kept.isEmpty { kept = [mix[Int(random.next() % UInt64(mix.count))]] }
        return kept.map { SwarmPlan.MixEntry(operation: $0.operation, weight: $0.weight) }
    }

    private func drawFaults(_ random: SeededRandom, duration: Int) -> [SwarmPlan.Fault] {
        var random = random
        let on = faultKinds.filter { _ in random.chance(0.5) }
        let room = duration - recoverySeconds
        guard !on.isEmpty, room >= 5 else { return [] }
        let count = 1 + Int(random.next() % UInt64(maxFaults))
        return (0..<count).map { index in
            var one = random.split("fault.\(index)")
            let kind = Self.weighted(on, &one)
            let target = kind.targets[Int(one.next() % UInt64(kind.targets.count))]
            let length = min(Self.draw(kind.length, &one), room)
            let permanent = one.chance(permanent)
            var fault = SwarmPlan.Fault(
                id: "f\(index + 1)",
                what: kind.what,
                target: target,
                atSeconds: Int(one.next() % UInt64(room - length + 1)),
                lengthSeconds: permanent ? nil : length
            )
            fault.latencyMilliseconds = kind.latencyMilliseconds.map { Self.draw($0, &one) }
            fault.errorRate = kind.errorRate.map {
                (($0.lowerBound + ($0.upperBound - $0.lowerBound) * one.nextUnitInterval()) * 100).rounded() / 100
            }
            fault.retryAfterSeconds = kind.what == "rate_limit" ? kind.retryAfterSeconds.map { Self.draw($0, &one) } : nil
            fault.status = kind.what == "server_error" ? kind.statuses[Int(one.next() % UInt64(kind.statuses.count))] : nil
            fault.afterTokens = kind.afterTokens.map { Self.draw($0, &one) }
            fault.code = kind.codes.isEmpty ? nil : kind.codes[Int(one.next() % UInt64(kind.codes.count))]
            return fault
        }
    }

    static func draw(_ range: ClosedRange<Int>, _ random: inout SeededRandom) -> Int {
        range.lowerBound + Int(random.next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    private static func weighted(_ kinds: [FaultKind], _ random: inout SeededRandom) -> FaultKind {
        var pick = Int(random.next() % UInt64(kinds.reduce(0) { $0 + $1.weight }))
        for kind in kinds {
            if pick < kind.weight { return kind }
            pick -= kind.weight
        }
        return kinds[kinds.count - 1]
    }

    /// Upstream calls one request may make: each provider it may try, each with its retries.
    static func upstreamBudget(_ system: SystemSpec) -> Int {
        let routing = system.routing
        let chain = routing.chain.isEmpty ? system.providers.count : routing.chain.count
        let tried = min(chain, routing.maxFallbacks + 1 + (routing.mockEnabled ? 1 : 0))
        let retries = max(routing.retry.serverErrorRetries, routing.retry.rateLimitRetries, routing.retry.timeoutRetries)
        return tried * (1 + retries)
    }
}
