/// The application-facing operations besides chat, shared by the HTTP server and the scenario runner; input is
/// validated here, naming the field, so every caller rejects the same things the same way.
extension RevoSystem {
    /// What `GET /api/models` shows.
    public struct ModelList: Sendable, Equatable {
        public var providers: [ProviderStatus]
        public var machine: MachineResources
        public var costs: CostLedger.Summary
        public var costPolicy: CostPolicy
    }

    public func modelList() async -> ModelList {
        ModelList(
            providers: models.statuses(),
            machine: await probe.resources(),
            costs: models.costSummary(),
            costPolicy: configuration.routing.cost
        )
    }

    /// Runs a coordinated engine task. Throws ``ChatError/invalid(field:message:)`` for a bad request.
    public func executeEngines(_ request: CoordinationRequest) async throws(ChatError) -> CoordinationResponse {
        if request.description.isBlank {
            throw .invalid(field: "description", message: "must not be empty")
        }
        let limit = ChatRequest.maxContentLength
        if request.description.codePointCount > limit || request.input.codePointCount > limit {
            throw .invalid(
                field: request.description.codePointCount > limit ? "description" : "input",
                message: "must be at most \(limit) characters"
            )
        }
        if request.timeout <= .zero || request.timeout > .seconds(600) {
            throw .invalid(field: "timeout", message: "must be more than 0 and at most 600 seconds, got \(request.timeout.formattedSeconds)")
        }
        if request.taskID.isEmpty || request.taskID.codePointCount > 128 {
            throw .invalid(field: "task_id", message: "must be 1 to 128 characters")
        }
        return await coordinator.execute(request)
    }

    /// What `GET /api/memory/stats` shows.
    /// Bytes of this process's memory each part of the system holds, by part; parts that live elsewhere (a database,
    /// Redis, the memory service) hold none here and are left out.
    public func residentMemory() async -> [(part: String, bytes: Int)] {
        var parts: [(part: String, bytes: Int)] = [("models", models.residentBytes), ("engines", parallelMind.residentBytes)]
        if let bytes = cache?.cache.residentBytes() { parts.append(("reply cache", bytes)) }
        for (name, bytes) in await memory.residentMemory() { parts.append((name, bytes)) }
        return parts
    }

    public struct MemoryReport: Sendable, Equatable {
        public var store: MemoryManager.Stats
        public var recall: PerfectRecallEngine.Statistics
        public var health: ComponentHealth
    }

    public func memoryReport() async -> MemoryReport {
        MemoryReport(store: await memory.stats(), recall: recall.stats, health: await memory.health())
    }

    /// `POST /api/memory/query`: a recall with validated limits.
    public func queryMemory(
        _ query: String,
        filter: MemoryFilter = MemoryFilter(),
        limit: Int = 10
    ) async throws(ChatError) -> PerfectRecallEngine.RecallResult {
        if query.isBlank { throw .invalid(field: "query", message: "must not be empty") }
        if query.codePointCount > ChatRequest.maxContentLength {
            throw .invalid(field: "query", message: "must be at most \(ChatRequest.maxContentLength) characters, got \(query.codePointCount)")
        }
        if !(1...100).contains(limit) { throw .invalid(field: "limit", message: "must be between 1 and 100, got \(limit)") }
        if let range = filter.createdBetween, range.lowerBound < .zero {
            throw .invalid(field: "time_range", message: "must not start before the system did")
        }
        do {
            return try await recall.recall(query, filter: filter, limit: limit)
        } catch {
            throw .dependencyUnavailable(service: "memory", reason: "\(error)")
        }
    }
}
