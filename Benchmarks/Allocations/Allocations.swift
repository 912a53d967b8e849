import Benchmark
import Foundation
import RevoBenchmarks
import RevoDrivers
import Synchronization

/// The chat route a benchmark started, so its teardown can stop it: a running system's background work would
/// otherwise allocate during the benchmarks after it.
let started = Mutex<ChatRoute?>(nil)

func start(_ database: DatabaseLocation, conversations: Int) async throws -> ChatRoute {
    let route = try await ChatRoute.start(database: database, conversations: conversations, replyCache: false)
    started.withLock { $0 = route }
    return route
}

func stop() async {
    await started.withLock { route in
        defer { route = nil }
        return route
    }?.stop()
}

/// Heap allocations per operation on the chat path, counted by package-benchmark's malloc interposer. Each iteration
/// is one operation, so a percentile of `mallocCountTotal` is allocations per operation; ci/bench-allocations turns
/// each benchmark's p90 into the figure named in its comment, which budgets.yaml limits.
let benchmarks: @Sendable () -> Void = {
    let counts = Benchmark.Configuration(
        metrics: [.mallocCountTotal, .wallClock, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 200,
        scalingFactor: .one,
        maxDuration: .seconds(10),
        maxIterations: 2_000
    )

    // "allocations.chat.stateless": POST /api/chat through the router, no conversation, reply cache off.
    Benchmark("chat.stateless", configuration: counts) { benchmark, route in
        for iteration in benchmark.scaledIterations { try await route.send(iteration) }
    } setup: {
        try await start(.memory, conversations: 0)
    } teardown: {
        await stop()
    }

    // "allocations.chat.persisted": the same in a conversation stored in SQLite (its history read and written).
    Benchmark("chat.persisted", configuration: counts) { (benchmark, route: ChatRoute) in
        for iteration in benchmark.scaledIterations { try await route.send(iteration) }
    } setup: {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "revo-allocations-\(ProcessInfo.processInfo.processIdentifier).sqlite"
        )
        return try await start(.sqlite(path: file.path), conversations: 1)
    } teardown: {
        await stop()
    }

    // "allocations.json.read": a chat body read into a request.
    Benchmark("json.read", configuration: counts) { benchmark, wire in
        for _ in benchmark.scaledIterations { blackHole(try wire.read()) }
    } setup: {
        try await ChatWireWorkload.make()
    }

    // "allocations.json.write": a chat reply written as the route's answer.
    Benchmark("json.write", configuration: counts) { benchmark, wire in
        for _ in benchmark.scaledIterations { blackHole(wire.write()) }
    } setup: {
        try await ChatWireWorkload.make()
    }

    // "allocations.routing.decision": the model manager choosing a provider and calling it.
    Benchmark("routing.decision", configuration: counts) { benchmark, routing in
        for _ in benchmark.scaledIterations { blackHole(try await routing.decide()) }
    } setup: {
        await RoutingWorkload.make()
    }
}
