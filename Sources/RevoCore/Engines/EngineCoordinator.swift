public import RevoRuntime

/// Runs a task on the three engines by strategy, each under its own timeout inside the task's, never calling an
/// engine that is not ready, and returning partial results when some engines fail.
public final class EngineCoordinator: Sendable {
    public struct Timeouts: Sendable, Equatable {
        public var perfectRecall: Duration
        public var parallelMind: Duration
        public var creative: Duration

        /// Recall has a 100 ms target, creative 5 s; the limits leave room for a slow dependency.
        public init(perfectRecall: Duration = .seconds(5), parallelMind: Duration = .seconds(300), creative: Duration = .seconds(30)) {
            self.perfectRecall = perfectRecall
            self.parallelMind = parallelMind
            self.creative = creative
        }

        func limit(for engine: EngineKind) -> Duration {
            switch engine {
            case .perfectRecall: perfectRecall
            case .parallelMind: parallelMind
            case .creative: creative
            }
        }
    }

    public struct EngineStatus: Sendable, Equatable {
        public var engine: EngineKind
        public var state: EngineState
    }

    /// The original's adaptive keywords.
    static let keywords: [(EngineKind, [String])] = [
        (.perfectRecall, ["remember", "recall", "history"]),
        (.parallelMind, ["parallel", "batch", "multiple"]),
        (.creative, ["creative", "design", "novel"]),
    ]

    public let recall: PerfectRecallEngine
    public let parallel: ParallelMindEngine
    public let creative: CreativeEngine
    public let timeouts: Timeouts
    private let clock: SystemClock

    public init(
        recall: PerfectRecallEngine,
        parallel: ParallelMindEngine,
        creative: CreativeEngine,
        timeouts: Timeouts = Timeouts(),
        clock: SystemClock
    ) {
        self.recall = recall
        self.parallel = parallel
        self.creative = creative
        self.timeouts = timeouts
        self.clock = clock
    }

    public func statuses() -> [EngineStatus] {
        EngineKind.sequentialOrder.map { EngineStatus(engine: $0, state: state(of: $0)) }
    }

    public func state(of engine: EngineKind) -> EngineState {
        switch engine {
        case .perfectRecall: recall.engineState
        case .parallelMind: parallel.engineState
        case .creative: creative.engineState
        }
    }

    /// Engines healthy when all are ready and none degraded; unhealthy when none is ready.
    public func health() -> ComponentHealth {
        let statuses = statuses()
        let reasons = statuses.filter { $0.state != .active && $0.state != .busy }.map { "\($0.engine.rawValue): \($0.state.rawValue)" }
        if statuses.allSatisfy({ !$0.state.isReady }) { return ComponentHealth(status: .unhealthy, reasons: reasons) }
        return ComponentHealth(status: reasons.isEmpty ? .healthy : .degraded, reasons: reasons)
    }

    /// The engines a request runs on, in recall → parallel → creative order.
    public func engines(for request: CoordinationRequest) -> [EngineKind] {
        var chosen = Set(request.requiredEngines)
        switch request.strategy {
        case .sequential, .parallel:
            if chosen.isEmpty { chosen = Set(EngineKind.allCases) }
        case .adaptive:
            let text = (request.description + " " + request.taskType).lowercased()
            for (engine, words) in Self.keywords where words.contains(where: { text.contains($0) }) { chosen.insert(engine) }
            if chosen.isEmpty {
                // Nothing asked for: plain work for simple tasks, everything for the big ones.
                switch request.complexity {
                case .simple, .moderate: chosen = [.parallelMind]
                case .complex, .enterprise: chosen = Set(EngineKind.allCases)
                }
            }
        }
        return EngineKind.sequentialOrder.filter { chosen.contains($0) }
    }

    public func execute(_ request: CoordinationRequest) async -> CoordinationResponse {
        let start = clock.now
        let deadline = start + request.timeout
        let engines = engines(for: request)
        var responses: [EngineResponse] = []
        switch request.strategy {
        case .sequential:
            var input = request.input
            for engine in engines {
                let response = await run(engine, request, input: input, deadline: deadline)
                if response.success, let result = response.result { input = result }
                responses.append(response)
            }
        case .parallel, .adaptive:
            responses = await withTaskGroup(of: EngineResponse.self) { group in
                for engine in engines {
                    group.addTask { await self.run(engine, request, input: request.input, deadline: deadline) }
                }
                var collected: [EngineResponse] = []
                for await response in group { collected.append(response) }
                return collected.sorted { $0.engine < $1.engine }
            }
        }
        return CoordinationResponse(
            taskID: request.taskID,
            success: responses.contains(where: \.success),
            primaryResult: responses.first(where: \.success)?.result,
            engineResponses: responses,
            totalExecutionTime: clock.now - start,
            strategy: request.strategy
        )
    }

    private func run(_ engine: EngineKind, _ request: CoordinationRequest, input: String, deadline: Duration) async -> EngineResponse {
        let start = clock.now
        func failure(_ message: String) -> EngineResponse {
            EngineResponse(engine: engine, success: false, result: nil, error: message, executionTime: clock.now - start)
        }
        let state = state(of: engine)
        guard state.isReady else { return failure("engine not ready (\(state.rawValue))") }
        let limit = timeouts.limit(for: engine)
        let engineDeadline = min(deadline, start + limit)
        do {
            let result = try await clock.withDeadline(engineDeadline) { try await self.call(engine, request, input: input) }
            return EngineResponse(engine: engine, success: true, result: result, error: nil, executionTime: clock.now - start)
        } catch is TimeoutError {
            let cause = engineDeadline == deadline ? "the task's \(request.timeout.formattedSeconds) timeout" : "\(limit.formattedSeconds)"
            return failure("timed out after \(cause)")
        } catch {
            return failure("\(error)")
        }
    }

    private func call(_ engine: EngineKind, _ request: CoordinationRequest, input: String) async throws -> String {
        let query = input.isEmpty ? request.description : request.description + "\n" + input
        switch engine {
        case .perfectRecall:
            let found = try await recall.recall(query, filter: MemoryFilter(owner: request.memoryOwner))
            return found.memories.isEmpty ? "no matching memories" : found.memories.map(\.entry.content).joined(separator: "\n")
        case .parallelMind:
            let task = ParallelTask(
                id: request.taskID + ".parallel",
                description: request.description,
                input: input,
                priority: request.complexity.level
            )
            let result = try await parallel.submit(task)
            guard let output = result.output else { throw EngineFailure(message: result.error ?? "task failed") }
            return output
        case .creative:
            let solved = try await creative.solve(query, innovationLevel: request.complexity.level)
            return solved.solutions.enumerated().map { "\($0.offset + 1). [\($0.element.technique)] \($0.element.text)" }.joined(separator: "\n")
        }
    }
}

/// An engine's own failure, passed on as its response's error.
struct EngineFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension CoordinationRequest.Complexity {
    /// 3, 5, 7 or 9: the Parallel Mind priority and the creative innovation level of tasks of this complexity.
    var level: Int {
        switch self {
        case .simple: 3
        case .moderate: 5
        case .complex: 7
        case .enterprise: 9
        }
    }
}
