import RevoCore
package import RevoRuntime
import RevoServer

/// The scenario's users sending its workload: each arrival becomes the requests a real client sends for it, through
/// the API, and the record of what that client saw.
package struct WorkloadClient: Sendable {
    /// What the arrival loop drew for one request, from the workload's seeded streams.
    struct Draw: Sendable {
        var prompt: (text: String, topic: String, session: String)
        var user: VirtualUser
        var badInput: BadInput?
        /// 0..<1, for choices that need one more number (a popular prompt, a cancel).
        var unit: Double
    }

    let api: APIClient
    let sockets: SocketClient
    let workload: Workload
    /// After how many token events a streamed reply's connection drops, when a fault says it does now (the
    /// simulation's client-side faults; nil in live mode, whose faults act on the server's connections).
    let socketDrops: @Sendable () -> Int?
    let metrics: MetricsRecorder
    let clock: SystemClock
    /// Each user's token as it was issued two hours before the run: signed, long expired (empty when unknown).
    let expiredTokens: [String]
    /// Exchanges sent per conversation, to bound what a prompt's history may hold.
    let ledger = ConversationLedger()

    /// A dropped message is resent this many times in all, a second apart (a reconnecting client keeps trying).
    package init(
        api: APIClient,
        sockets: SocketClient,
        workload: Workload,
        socketDrops: @escaping @Sendable () -> Int?,
        metrics: MetricsRecorder,
        clock: SystemClock,
        expiredTokens: [String]
    ) {
        self.api = api
        self.sockets = sockets
        self.workload = workload
        self.socketDrops = socketDrops
        self.metrics = metrics
        self.clock = clock
        self.expiredTokens = expiredTokens
    }

    static let maxAttempts = 8
    static let reconnectDelay = Duration.seconds(1)

    func perform(_ arrival: WorkloadPlan.Arrival, index: Int, draw: Draw) async -> RequestRecord {
        var record = RequestRecord(starting: arrival, index: index)
        if let bad = draw.badInput {
            await sendBad(bad, draw: draw, into: &record)
        } else {
            await send(arrival.operation, index: index, draw: draw, into: &record)
        }
        if record.latency == .zero { record.latency = clock.now - arrival.at }
        return record
    }

    private func send(_ operation: Workload.Operation, index: Int, draw: Draw, into record: inout RequestRecord) async {
        let user = draw.user
        let prompt = draw.prompt
        switch operation {
        case .chat:
            let conversation = user.scoped(prompt.session)
            ledger.sent(on: conversation)
            let call = HTTPCall.chat(prompt.text, maxTokens: workload.maxTokens, conversation: prompt.session)
            record.readChat(await api.send(call, as: user, index: index))
            record.historyBound = ledger.historyBound(of: conversation)
        case .chatStateless:
            let call = HTTPCall.chat(WorkloadPlan.popularPrompt(draw.unit, of: workload.distinctPrompts), maxTokens: workload.maxTokens)
            record.readChat(await api.send(call, as: user, index: index))
        case .chatMemory:
            let call = HTTPCall.chat(prompt.text, maxTokens: workload.maxTokens, useMemory: true, session: prompt.session)
            record.readChat(await api.send(call, as: user, index: index))
        case .stream:
            await stream(index: index, draw: draw, into: &record)
        case .websocket:
            await session(index: index, draw: draw, into: &record)
        case .memoryStore:
            let answer = await api.send(.memoryStore("\(prompt.topic) notes: \(prompt.text)", session: prompt.session), as: user, index: index)
            record.read(answer)
            if answer.status == 201, let id = answer.json?["id"]?.string { metrics.acknowledged(id) }
        case .memoryRecall:
            record.read(await api.send(.memoryQuery("\(prompt.topic) notes"), as: user, index: index))
        case .engine:
            await engine(index: index, draw: draw, into: &record)
        case .login:
            let answer = await api.sendAnonymous(.credentials("/auth/login", username: user.username, password: user.password), from: user)
            record.read(answer)
            if let tokens = APIClient.tokens(in: answer, at: clock.now) { user.update(tokens) }
        case .register:
            let call = HTTPCall.credentials("/auth/register", username: "new-\(index)", password: "new-\(index)-password")
            record.read(await api.sendAnonymous(call, from: user))
        case .refresh:
            await api.freshTokens(for: user, index: index)
        }
    }

    private func sendBad(_ bad: BadInput, draw: Draw, into record: inout RequestRecord) async {
        record.operation = bad.operation
        record.badInput = bad
        let tokens = draw.user.tokens
        let credentials = BadInput.Credentials(
            access: tokens.access,
            refresh: tokens.refresh,
            expired: expiredTokens[draw.user.index],
            username: draw.user.username
        )
        record.read(await api.sendAnonymous(bad.call(credentials, prompt: draw.prompt.text), from: draw.user))
    }

    private func engine(index: Int, draw: Draw, into record: inout RequestRecord) async {
        let tasks = workload.enterpriseEngineTasksOnly ? WorkloadPlan.engineTasks.filter { $0.complexity == .enterprise } : WorkloadPlan.engineTasks
        let task = tasks[index % tasks.count]
        let call = HTTPCall.engines(
            taskID: "task-\(index)",
            description: task.description,
            input: draw.prompt.text,
            complexity: task.complexity.rawValue,
            strategy: task.complexity == .enterprise ? "parallel" : "adaptive"
        )
        let answer = await api.send(call, as: draw.user, index: index)
        record.read(answer)
        guard answer.status == 200, let json = answer.json else { return }
        let responses = json["engine_responses"]?.array ?? []
        record.engineTimes = responses.compactMap { response in
            guard let engine = response["engine"]?.string.flatMap(EngineKind.init(rawValue:)) else { return nil }
            let milliseconds = response["execution_time_ms"]?.double ?? 0
            return .init(engine: engine, duration: .nanoseconds(Int64((milliseconds * 1e6).rounded())), succeeded: response["success"]?.bool == true)
        }
        if json["success"]?.bool != true {
            record.outcome = .unavailable
            record.detail = responses.compactMap { $0["error"]?.string }.joined(separator: "; ")
        }
    }
}
