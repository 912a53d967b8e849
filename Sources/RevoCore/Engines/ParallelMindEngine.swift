import DequeModule
public import RevoRuntime
import Synchronization

/// The parallel engine: a pool of 4–16 workers taking prioritised tasks, scaled by the original's load rule.
///
/// Load is `max(busy / workers, min(queued / (2 · workers), 1))`, checked every 10 s of clock time. Above 0.8 the pool
/// grows at once to the size that brings load back to 0.8 (at least one more worker, at most the maximum), so a burst
/// reaches 16 workers within one check; below 0.3 with an empty queue it shrinks by one. A task is tried up to
/// 1 + 3 times, each try under the task timeout; a worker retires after 5 failed tasks or 5 minutes idle, and the
/// pool never drops below its minimum.
public final class ParallelMindEngine: Sendable {
    public struct Settings: Sendable, Equatable {
        public var minWorkers: Int
        public var maxWorkers: Int
        public var scaleUpAbove: Double
        public var scaleDownBelow: Double
        public var checkInterval: Duration
        public var taskTimeout: Duration
        public var retries: Int
        public var retireAfterErrors: Int
        public var retireAfterIdle: Duration
        public var queueCapacity: Int

        public init(
            minWorkers: Int = 4,
            maxWorkers: Int = 16,
            scaleUpAbove: Double = 0.8,
            scaleDownBelow: Double = 0.3,
            checkInterval: Duration = .seconds(10),
            taskTimeout: Duration = .seconds(300),
            retries: Int = 3,
            retireAfterErrors: Int = 5,
            retireAfterIdle: Duration = .seconds(300),
            queueCapacity: Int = 10_000
        ) {
            precondition(minWorkers >= 1 && maxWorkers >= minWorkers, "need 1 <= minWorkers <= maxWorkers")
            self.minWorkers = minWorkers
            self.maxWorkers = maxWorkers
            self.scaleUpAbove = scaleUpAbove
            self.scaleDownBelow = scaleDownBelow
            self.checkInterval = checkInterval
            self.taskTimeout = taskTimeout
            self.retries = retries
            self.retireAfterErrors = retireAfterErrors
            self.retireAfterIdle = retireAfterIdle
            self.queueCapacity = queueCapacity
        }
    }

    /// What the engine does with a task (in the system: a prompt through the model manager).
    public typealias Work = @Sendable (ParallelTask) async throws -> String

    /// A change in the pool's size, for reports and the scaling check.
    public struct ScaleEvent: Sendable, Equatable, Codable {
        public var at: Duration
        public var from: Int
        public var to: Int
        public var load: Double
        public var reason: String
    }

    public struct Statistics: Sendable, Equatable, Codable {
        public var submitted = 0
        public var completed = 0
        public var failed = 0
        public var retries = 0
        public var workersRetiredForErrors = 0
        public var workersRetiredIdle = 0
        public var peakWorkers = 0
        /// Tasks whose submitter stopped waiting (timed out, cancelled) before they finished.
        public var abandoned = 0
    }

    public struct Snapshot: Sendable, Equatable {
        public var state: EngineState
        public var workers: Int
        public var busyWorkers: Int
        public var queued: Int
        public var load: Double
        public var statistics: Statistics
        public var scaleEvents: [ScaleEvent]
    }

    struct Pending: Sendable {
        var task: ParallelTask
        var submittedAt: Duration
        var slot: ResultSlot
    }

    struct Worker {
        var id: Int
        var busy = false
        var failedTasks = 0
        var idleSince: Duration
        var waiting: CheckedContinuation<Pending?, Never>?
        var retiring = false
    }

    struct State {
        var machine = EngineStateMachine()
        /// One FIFO per priority, index 0 = priority 1.
        var queues = [Deque<Pending>](repeating: [], count: 10)
        var queued = 0
        /// Ordered by id, so every choice among workers is deterministic.
        var workers: [Worker] = []
        var nextWorkerID = 0
        var statistics = Statistics()
        var scaleEvents: [ScaleEvent] = []
        var scaler: Task<Void, Never>?
        var starter: (any TaskStarter)?

        var busy: Int { workers.filter(\.busy).count }

        func load() -> Double {
            guard !workers.isEmpty else { return queued > 0 ? 1 : 0 }
            let count = Double(workers.count)
            return max(Double(busy) / count, min(Double(queued) / (2 * count), 1))
        }

        mutating func popHighest() -> Pending? {
            for index in queues.indices.reversed() where !queues[index].isEmpty {
                queued -= 1
                return queues[index].removeFirst()
            }
            return nil
        }
    }

    public let settings: Settings
    private let work: Work
    private let clock: SystemClock
    private let state = Mutex(State())

    public init(settings: Settings = Settings(), clock: SystemClock, work: @escaping Work) {
        self.settings = settings
        self.clock = clock
        self.work = work
    }

    // MARK: Life cycle

    /// Starts the minimum number of workers and the scaler; the engine becomes active.
    public func start(with starter: any TaskStarter) {
        let now = clock.now
        let ids = state.withLock { s -> [Int] in
            s.starter = starter
            s.machine.move(to: .active)
            return (0..<settings.minWorkers).map { _ in s.addWorker(at: now) }
        }
        for id in ids { launchWorker(id, with: starter) }
        let scaler = starter.startPeriodic("parallel-mind.scaler", every: settings.checkInterval, on: clock) { [self] in
            evaluateScaling()
        }
        state.withLock { $0.scaler = scaler }
    }

    /// Stops taking tasks; queued tasks end as failed, idle workers leave, busy ones finish their task first.
    public func shutdown() {
        let (waiting, pending, scaler) = state.withLock { s in
            s.machine.move(to: .shutdown)
            var waiting: [CheckedContinuation<Pending?, Never>] = []
            for index in s.workers.indices {
                s.workers[index].retiring = true
                if let continuation = s.workers[index].waiting {
                    waiting.append(continuation)
                    s.workers[index].waiting = nil
                }
            }
            s.workers.removeAll { !$0.busy }
            var pending: [Pending] = []
            while let next = s.popHighest() { pending.append(next) }
            return (waiting, pending, s.scaler)
        }
        scaler?.cancel()
        for continuation in waiting { continuation.resume(returning: nil) }
        let now = clock.now
        for item in pending {
            item.slot.resume(
                with: ParallelTaskResult(
                    taskID: item.task.id,
                    output: nil,
                    error: "engine shut down",
                    attempts: 0,
                    worker: -1,
                    latency: now - item.submittedAt
                )
            )
        }
    }

    // MARK: Tasks

    /// Runs `task` on the pool and returns its result (a failed result after the retries, never a thrown error).
    public func submit(_ task: ParallelTask) async throws(ParallelMindError) -> ParallelTaskResult {
        let now = clock.now
        let capacity = settings.queueCapacity
        let refusal: ParallelMindError? = state.withLock { s in
            if !s.machine.state.isReady { return .notReady(s.machine.state) }
            if s.queued >= capacity { return .queueFull(capacity: capacity) }
            s.statistics.submitted += 1
            return nil
        }
        if let refusal { throw refusal }
        let slot = ResultSlot()
        let pending = Pending(task: task, submittedAt: now, slot: slot)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                guard slot.install(continuation) else { return }
                let idle: CheckedContinuation<Pending?, Never>? = state.withLock { s in
                    if let index = s.workers.firstIndex(where: { $0.waiting != nil && !$0.retiring }) {
                        let waiting = s.workers[index].waiting
                        s.workers[index].waiting = nil
                        s.workers[index].busy = true
                        return waiting
                    }
                    s.queues[task.priority - 1].append(pending)
                    s.queued += 1
                    s.updateBusyState(scaleUpAbove: settings.scaleUpAbove)
                    return nil
                }
                idle?.resume(returning: pending)
            }
        } onCancel: {
            // The submitter stops waiting at once; a queued task is dropped, a running one gets no further tries.
            state.withLock { s in
                s.statistics.abandoned += 1
                let queue = task.priority - 1
                if let index = s.queues[queue].firstIndex(where: { $0.slot === slot }) {
                    s.queues[queue].remove(at: index)
                    s.queued -= 1
                }
            }
            slot.abandon(
                with: ParallelTaskResult(taskID: task.id, output: nil, error: "cancelled by the submitter", attempts: 0, worker: -1, latency: .zero)
            )
        }
    }

    /// The queued tasks and the pool's workers, as this process holds them.
    public var residentBytes: Int {
        state.withLock { s in
            s.queues.reduce(0) { total, queue in
                total + queue.reduce(0) { $0 + 160 + $1.task.id.utf8.count + $1.task.description.utf8.count + $1.task.input.utf8.count }
            } + s.workers.count * 64
        }
    }

    public func snapshot() -> Snapshot {
        state.withLock { s in
            Snapshot(
                state: s.machine.state,
                workers: s.workers.filter { !$0.retiring }.count,
                busyWorkers: s.busy,
                queued: s.queued,
                load: s.load(),
                statistics: s.statistics,
                scaleEvents: s.scaleEvents
            )
        }
    }

    public var engineState: EngineState {
        state.withLock { $0.machine.state }
    }

    // MARK: Workers

    private func launchWorker(_ id: Int, with starter: any TaskStarter) {
        starter.start("parallel-mind.worker-\(id)") { [self] in
            while let pending = await nextTask(for: id) {
                let result = await run(pending, on: id)
                pending.slot.resume(with: result)
                finished(worker: id, succeeded: result.succeeded)
            }
        }
    }

    private enum Next {
        case run(Pending)
        case exit
        case wait
    }

    private func nextTask(for id: Int) async -> Pending? {
        let now = clock.now
        let step: Next = state.withLock { s in
            guard let index = s.workers.firstIndex(where: { $0.id == id }), !s.workers[index].retiring else {
                s.workers.removeAll { $0.id == id }
                return .exit
            }
            if let pending = s.popHighest() {
                s.workers[index].busy = true
                return .run(pending)
            }
            s.workers[index].busy = false
            s.workers[index].idleSince = now
            s.updateBusyState(scaleUpAbove: settings.scaleUpAbove)
            return .wait
        }
        switch step {
        case .run(let pending): return pending
        case .exit: return nil
        case .wait: break
        }
        return await withCheckedContinuation { continuation in
            let ready: Pending?? = state.withLock { s in
                guard let index = s.workers.firstIndex(where: { $0.id == id }), !s.workers[index].retiring else {
                    return .some(nil)
                }
                if let pending = s.popHighest() {
                    s.workers[index].busy = true
                    return .some(pending)
                }
                s.workers[index].waiting = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func run(_ pending: Pending, on worker: Int) async -> ParallelTaskResult {
        var lastError = "not run"
        let tries = 1 + max(0, settings.retries)
        for attempt in 1...tries {
            if pending.slot.isAbandoned {
                lastError = "abandoned by the submitter"
                break
            }
            if attempt > 1 { state.withLock { $0.statistics.retries += 1 } }
            do {
                let task = pending.task
                let work = self.work
                let output = try await clock.withDeadline(clock.now + settings.taskTimeout) { try await work(task) }
                return ParallelTaskResult(
                    taskID: pending.task.id,
                    output: output,
                    error: nil,
                    attempts: attempt,
                    worker: worker,
                    latency: clock.now - pending.submittedAt
                )
            } catch is TimeoutError {
                lastError = "timed out after \(settings.taskTimeout.formattedSeconds)"
            } catch {
                lastError = "\(error)"
            }
        }
        return ParallelTaskResult(
            taskID: pending.task.id,
            output: nil,
            error: lastError,
            attempts: tries,
            worker: worker,
            latency: clock.now - pending.submittedAt
        )
    }

    private func finished(worker id: Int, succeeded: Bool) {
        let now = clock.now
        let replacement: (Int, any TaskStarter)? = state.withLock { s in
            if succeeded { s.statistics.completed += 1 } else { s.statistics.failed += 1 }
            guard let index = s.workers.firstIndex(where: { $0.id == id }) else { return nil }
            if !succeeded { s.workers[index].failedTasks += 1 }
            guard s.workers[index].failedTasks >= settings.retireAfterErrors, !s.workers[index].retiring else { return nil }
            s.workers[index].retiring = true
            s.statistics.workersRetiredForErrors += 1
            let remaining = s.workers.filter { !$0.retiring }.count
            s.record(from: remaining + 1, to: remaining, at: now, reason: "worker \(id) retired after \(settings.retireAfterErrors) failed tasks")
            guard remaining < settings.minWorkers, let starter = s.starter, s.machine.state.isReady else { return nil }
            let newID = s.addWorker(at: now)
            s.record(from: remaining, to: remaining + 1, at: now, reason: "replacing worker \(id)")
            return (newID, starter)
        }
        if let (newID, starter) = replacement { launchWorker(newID, with: starter) }
    }

    // MARK: Scaling

    /// One check of the scaling rule; the scaler loop calls it every ``Settings/checkInterval``.
    func evaluateScaling() {
        let now = clock.now
        let (launch, wake, starter): ([Int], [CheckedContinuation<Pending?, Never>], (any TaskStarter)?) = state.withLock { s in
            guard s.machine.state.isReady else { return ([], [], nil) }
            let load = s.load()
            let count = s.workers.filter { !$0.retiring }.count
            var launch: [Int] = []
            var wake: [CheckedContinuation<Pending?, Never>] = []
            if load > settings.scaleUpAbove, count < settings.maxWorkers {
                let forBusy = Int((Double(s.busy) / settings.scaleUpAbove).rounded(.up))
                let forQueue = Int((Double(s.queued) / (2 * settings.scaleUpAbove)).rounded(.up))
                let target = min(settings.maxWorkers, max(count + 1, forBusy, forQueue))
                launch = (count..<target).map { _ in s.addWorker(at: now) }
                s.record(from: count, to: target, at: now, reason: "load \(Self.format(load)) > \(Self.format(settings.scaleUpAbove))", load: load)
            } else {
                // Retire idle workers: one for low load with an empty queue, and any idle past the limit.
                var retired = 0
                for index in s.workers.indices where s.workers[index].waiting != nil && !s.workers[index].retiring {
                    guard count - retired > settings.minWorkers else { break }
                    let idleTooLong = now - s.workers[index].idleSince >= settings.retireAfterIdle
                    let lowLoad = retired == 0 && load < settings.scaleDownBelow && s.queued == 0
                    guard idleTooLong || lowLoad else { continue }
                    s.workers[index].retiring = true
                    if let continuation = s.workers[index].waiting { wake.append(continuation) }
                    s.workers[index].waiting = nil
                    if idleTooLong { s.statistics.workersRetiredIdle += 1 }
                    retired += 1
                    s.record(
                        from: count - retired + 1,
                        to: count - retired,
                        at: now,
                        reason: idleTooLong
                            ? "worker \(s.workers[index].id) idle for \(settings.retireAfterIdle.formattedSeconds)"
                            : "load \(Self.format(load)) < \(Self.format(settings.scaleDownBelow))",
                        load: load
                    )
                }
                // Idle workers leave at once; a busy retiring one leaves when it asks for its next task.
                s.workers.removeAll { $0.retiring && !$0.busy }
            }
            s.updateBusyState(scaleUpAbove: settings.scaleUpAbove)
            return (launch, wake, s.starter)
        }
        for continuation in wake { continuation.resume(returning: nil) }
        if let starter {
            for id in launch { launchWorker(id, with: starter) }
        }
    }

    static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}

extension ParallelMindEngine.State {
    mutating func addWorker(at now: Duration) -> Int {
        let id = nextWorkerID
        nextWorkerID += 1
        workers.append(ParallelMindEngine.Worker(id: id, idleSince: now))
        statistics.peakWorkers = max(statistics.peakWorkers, workers.filter { !$0.retiring }.count)
        return id
    }

    mutating func record(from: Int, to: Int, at now: Duration, reason: String, load: Double? = nil) {
        scaleEvents.append(.init(at: now, from: from, to: to, load: load ?? self.load(), reason: reason))
    }

    /// Busy while load is above the scale-up threshold, active otherwise.
    mutating func updateBusyState(scaleUpAbove: Double) {
        switch machine.state {
        case .active where load() > scaleUpAbove: machine.move(to: .busy, reason: "load above \(scaleUpAbove)")
        case .busy where load() <= scaleUpAbove: machine.move(to: .active)
        default: break
        }
    }
}

/// Where a task's result goes: resumed exactly once, by the worker or by the submitter's cancellation.
final class ResultSlot: Sendable {
    private struct State {
        var continuation: CheckedContinuation<ParallelTaskResult, Never>?
        var pendingResult: ParallelTaskResult?
        var done = false
        var abandoned = false
    }

    private let state = Mutex(State())

    /// Installs the submitter's continuation; false (and resumed at once) if the slot was already settled.
    func install(_ continuation: CheckedContinuation<ParallelTaskResult, Never>) -> Bool {
        let early: ParallelTaskResult? = state.withLock { s in
            guard !s.done else { return s.pendingResult }
            s.continuation = continuation
            return nil
        }
        if let early {
            continuation.resume(returning: early)
            return false
        }
        return true
    }

    func resume(with result: ParallelTaskResult) {
        settle(result, abandoning: false)
    }

    func abandon(with result: ParallelTaskResult) {
        settle(result, abandoning: true)
    }

    var isAbandoned: Bool {
        state.withLock { $0.abandoned }
    }

    private func settle(_ result: ParallelTaskResult, abandoning: Bool) {
        let continuation: CheckedContinuation<ParallelTaskResult, Never>? = state.withLock { s in
            if abandoning { s.abandoned = true }
            guard !s.done else { return nil }
            s.done = true
            s.pendingResult = result
            defer { s.continuation = nil }
            return s.continuation
        }
        continuation?.resume(returning: result)
    }
}
