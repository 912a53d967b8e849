import Foundation
import RevoCore
import RevoRuntime

/// The workload turned into concrete requests: when each is meant to be sent and what it asks, all drawn from the
/// scenario's seed.
struct WorkloadPlan {
    struct Arrival: Sendable {
        var at: Duration
        var operation: Workload.Operation
    }

    /// The open-model arrival times over `duration`: evenly spaced or Poisson, following a linear ramp, plus bursts.
    static func arrivals(_ workload: Workload, duration: Duration, random: SeededRandom) -> [Arrival] {
        var gaps = random.split("workload.arrivals")
        var mixRandom = random.split("workload.mix")
        let total = workload.mix.reduce(0) { $0 + $1.weight }
        func operation() -> Workload.Operation {
            var pick = Int(mixRandom.next() % UInt64(max(1, total)))
            for (operation, weight) in workload.mix {
                if pick < weight { return operation }
                pick -= weight
            }
            return workload.mix.last?.operation ?? .chat
        }
        var arrivals: [Arrival] = []
        let end = duration.seconds
        var t = 0.0
        while true {
            let rate = workload.rampTo.map { workload.rate + ($0 - workload.rate) * min(1, t / end) } ?? workload.rate
            guard rate > 0 else { break }
            let gap: Double
            switch workload.arrival {
            case .constant: gap = 1 / rate
            case .poisson: gap = -log(1 - gaps.nextUnitInterval()) / rate
            }
            t += gap
            guard t < end, arrivals.count < 5_000_000 else { break }
            arrivals.append(Arrival(at: .nanoseconds(Int64(t * 1e9)), operation: operation()))
        }
        for burst in workload.bursts {
            for index in 0..<burst.requests {
                let offset = burst.over * (Double(index) / Double(burst.requests))
                let at = burst.at + offset
                guard at < duration else { continue }
                arrivals.append(Arrival(at: at, operation: burst.operation ?? operation()))
            }
        }
        // A stable sort by time keeps bursts after the regular arrivals at the same instant.
        return arrivals.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    static let topics = [
        "deploy pipeline", "database failover", "cache warmup", "model loading", "websocket reconnect", "rate limits",
        "memory eviction", "cost budget", "engine scaling", "health checks", "api keys", "gpu memory",
    ]

    static let words = [
        "please", "explain", "how", "the", "system", "handles", "a", "request", "when", "load", "rises", "and", "what",
        "happens", "to", "latency", "under", "pressure", "with", "retries", "across", "providers", "during", "an", "outage",
    ]

    /// A prompt of about `words` words (±spread) about one topic.
    static func prompt(index: Int, workload: Workload, random: inout SeededRandom) -> (text: String, topic: String, session: String) {
        let topic = topics[Int(random.next() % UInt64(topics.count))]
        let session = "session-\(random.next() % UInt64(workload.sessions))"
        let jitter = 1 + workload.promptSpread * (random.nextUnitInterval() * 2 - 1)
        let count = max(1, Int((Double(workload.promptWords) * jitter).rounded()))
        let head = "[\(index)] about \(topic):"
        let text = UTF8Writer.string(capacity: head.utf8.count + count * (1 + wordTable.longest)) { text in
            text.append(head)
            wordTable.withWords { words in
                for _ in 0..<count {
                    text.append(byte: UInt8(ascii: " "))
                    text.append(bytes: words[Int(random.next() % UInt64(words.count))])
                }
            }
        }
        return (text, topic, session)
    }

    private static let wordTable = WordTable(words)

    /// One of `distinct` common questions, the first ones far more often (the square of a uniform draw), as traffic
    /// to a public assistant repeats its popular questions.
    static func popularPrompt(_ unit: Double, of distinct: Int) -> String {
        let rank = min(distinct - 1, Int(unit * unit * Double(distinct)))
        return "common question \(rank): how does the \(topics[rank % topics.count]) work?"
    }

    /// Engine tasks in rotation: adaptive ones pick engines by keyword; the enterprise one runs all three at once.
    static let engineTasks: [(description: String, complexity: CoordinationRequest.Complexity)] = [
        ("run a batch of parallel checks on the deploy", .moderate),
        ("recall the history of database failovers", .moderate),
        ("design a novel cache warmup", .moderate),
        ("summarise the latency budget", .moderate),
        ("plan the migration of the model fleet", .enterprise),
    ]
}
