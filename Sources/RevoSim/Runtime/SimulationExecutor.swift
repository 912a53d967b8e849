import DequeModule
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A single-threaded, deterministic executor for Swift concurrency.
///
/// Its spawned tasks, their children, the default actors they call and their nonisolated async code run on it through
/// Swift's global executor, whose jobs ``GlobalJobRouting`` sends here. It is also a `TaskExecutor` a task may prefer
/// (SE-0417) and a `SerialExecutor` an actor may be pinned to. Jobs run in FIFO order on the thread that calls ``run(until:)``;
/// when no job is left, virtual time jumps to the earliest pending timer. Given the same inputs, two runs
/// execute the same jobs in the same order, which ``trace`` proves with its digest.
public final class SimulationExecutor: TaskExecutor, SerialExecutor, Sendable {
    struct State {
        var jobs = Deque<QueuedJob>()
        var timers = TimerQueue()
        var now = Duration.zero
        var running = false
        var runThread: pthread_t?
        var nextTaskID: UInt64 = 0
        /// Spawned tasks that have not finished, by id; only ever listed sorted by id.
        var liveTasks: [UInt64: SimulationError.ParkedTask] = [:]
        /// The addresses of spawned tasks that have not finished, by id (``GlobalJobRouting``).
        var addresses: [UInt64: UInt] = [:]
        var statistics = SimulationStatistics()
    }

    /// A job and how it came: through ``enqueue(_:)`` (its task prefers this executor, or its actor is pinned to it)
    /// or through the global executor.
    struct QueuedJob {
        /// The generic executor's reference, as the runtime spells it: no identity, no witness table.
        static let generic = unsafeBitCast((0, 0) as (Int, Int), to: UnownedSerialExecutor.self)

        var job: UnownedJob
        var global: Bool
    }

    private let state = Mutex(State())

    /// The event trace of this simulation; its digest proves two runs did the same thing.
    public let trace: EventTrace

    /// - Parameter traceCapacity: how many recent events the trace keeps readable (the digest covers all of them).
    public init(traceCapacity: Int = 256) {
        self.trace = EventTrace(capacity: traceCapacity)
    }

    /// The clock whose time this executor advances.
    public var clock: VirtualClock {
        VirtualClock(executor: self)
    }

    /// The current virtual time.
    public var now: VirtualClock.Instant {
        VirtualClock.Instant(offset: elapsed)
    }

    /// The current virtual time as the time since the start.
    public var elapsed: Duration {
        state.withLock { $0.now }
    }

    public var statistics: SimulationStatistics {
        state.withLock { s in
            var statistics = s.statistics
            statistics.pendingTimers = s.timers.pendingCount
            statistics.unfinishedTasks = s.liveTasks.count
            statistics.virtualTime = s.now
            return statistics
        }
    }

    /// True while the calling code runs as a job of this executor.
    public var isCurrent: Bool {
        state.withLock { s in
            guard s.running, let thread = s.runThread else { return false }
            return pthread_equal(thread, pthread_self()) != 0
        }
    }

    // MARK: Executor

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        state.withLock { s in
            // A job arriving from another thread while we run means something escaped the simulation
            // (an NIO event loop, a Foundation timer...): count it so the report can say determinism is at risk.
            if s.running, let thread = s.runThread, pthread_equal(thread, pthread_self()) == 0 {
                s.statistics.foreignEnqueues += 1
            }
            s.jobs.append(QueuedJob(job: job, global: false))
        }
    }

    /// A job Swift gave its global executor on a thread that runs or spawns into this simulation, or one of its
    /// spawned tasks resumed from outside (``GlobalJobRouting``).
    func enqueueGlobal(_ job: UnownedJob, fromOutside: Bool = false) {
        state.withLock { s in
            if fromOutside, s.running { s.statistics.foreignEnqueues += 1 }
            s.jobs.append(QueuedJob(job: job, global: true))
        }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets actors pinned to this executor use `assumeIsolated` / `preconditionIsolated`: every job runs on the one
    /// thread that called ``run(until:)``.
    public func checkIsolated() {
        precondition(isCurrent, "not running on the simulation executor")
    }

    public func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    // MARK: Tasks

    /// Starts a named simulated task on this executor. Its name appears in the trace and in stall reports.
    @discardableResult
    public func spawn<Success: Sendable>(
        _ name: String,
        operation: sending @escaping () async throws -> Success
    ) -> Task<Success, any Error> {
        let info = register(name)
        // The task's first job is enqueued as it is created.
        let previous = GlobalJobRouting.route(to: self)
        defer { GlobalJobRouting.restore(previous) }
        let task = Task {
            defer { self.finished(info.id) }
            return try await SimulationTaskInfo.$current.withValue(info) {
                try await operation()
            }
        }
        remember(task, id: info.id)
        return task
    }

    /// Starts a named simulated task whose operation cannot throw.
    @discardableResult
    public func spawn<Success: Sendable>(
        _ name: String,
        operation: sending @escaping () async -> Success
    ) -> Task<Success, Never> {
        let info = register(name)
        // The task's first job is enqueued as it is created.
        let previous = GlobalJobRouting.route(to: self)
        defer { GlobalJobRouting.restore(previous) }
        let task = Task {
            defer { self.finished(info.id) }
            return await SimulationTaskInfo.$current.withValue(info) {
                await operation()
            }
        }
        remember(task, id: info.id)
        return task
    }

    private func register(_ name: String) -> SimulationTaskInfo {
        let info = state.withLock { s in
            s.nextTaskID += 1
            let task = SimulationError.ParkedTask(id: s.nextTaskID, name: name, spawnedAt: .init(offset: s.now))
            s.liveTasks[task.id] = task
            s.statistics.tasksSpawned += 1
            return SimulationTaskInfo(id: task.id, name: name)
        }
        trace.record("spawn \(name)#\(info.id)", at: now)
        return info
    }

    private func finished(_ id: UInt64) {
        let address = state.withLock { s in
            s.liveTasks[id] = nil
            s.statistics.tasksFinished += 1
            return s.addresses.removeValue(forKey: id)
        }
        if let address { GlobalJobRouting.forget(address) }
    }

    /// Routes `task` here wherever it is resumed from. Under the state lock, as ``finished(_:)`` takes it: a task
    /// spawned from another thread may finish before this runs, and must not be remembered then.
    private func remember(_ task: Task<some Sendable, some Error>, id: UInt64) {
        state.withLock { s in
            guard s.liveTasks[id] != nil else { return }
            let address = Self.address(of: task)
            s.addresses[id] = address
            GlobalJobRouting.remember(address, of: self)
        }
    }

    /// A task's address: its job's too, as the runtime's task is the job it enqueues.
    private static func address(of task: Task<some Sendable, some Error>) -> UInt {
        UInt(bitPattern: unsafeBitCast(task, to: Int.self))
    }

    // MARK: Timers

    /// Suspends until virtual time reaches `deadline`, an offset from the start.
    func sleep(until deadline: Duration) async throws {
        try Task.checkCancellation()
        let sequence: UInt64? = state.withLock { s in
            deadline <= s.now ? nil : s.timers.allocate()
        }
        guard let sequence else { return }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                let registered = state.withLock { s in
                    s.timers.register(sequence, deadline: deadline, wakeup: .resume(continuation))
                }
                if !registered { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            if case .resume(let continuation) = state.withLock({ s in s.timers.cancel(sequence) }) {
                continuation.resume(throwing: CancellationError())
            }
        }
    }

    /// Registers `fire` to run when virtual time reaches now + `delay`; returns the timer's sequence number.
    func scheduleTimer(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> UInt64 {
        state.withLock { s in
            let sequence = s.timers.allocate()
            _ = s.timers.register(sequence, deadline: s.now + max(.zero, delay), wakeup: .call(fire))
            return sequence
        }
    }

    /// Drops a timer that has not fired.
    func cancelTimer(_ sequence: UInt64) {
        _ = state.withLock { s in s.timers.cancel(sequence) }
    }

    // MARK: Running

    /// How a call to ``run(until:)`` ended.
    public enum RunOutcome: Sendable, Equatable {
        /// Every job ran, no timer is pending and every spawned task finished.
        case idle
        /// The virtual deadline was reached with timers still pending beyond it.
        case reachedDeadline
    }

    /// Runs jobs on the calling thread until nothing is left to do, or until virtual time would pass `deadline`.
    ///
    /// Must not be called from inside one of this executor's jobs. Throws ``SimulationError/stalled(at:parked:)``
    /// when spawned tasks are parked forever.
    @discardableResult
    public func run(until deadline: VirtualClock.Instant? = nil) throws(SimulationError) -> RunOutcome {
        state.withLock { s in
            precondition(!s.running, "SimulationExecutor.run() is not reentrant")
            s.running = true
            s.runThread = pthread_self()
        }
        defer { state.withLock { s in s.running = false } }

        // Global jobs run on the generic executor, as the global executor runs them. Jobs that came through enqueue
        // run "on" the task executor, not isolated to the serial one: otherwise every nonisolated async call of a task
        // that prefers it would hop off and back. Pinned actors still work, see checkIsolated().
        let taskExecutor = asUnownedTaskExecutor()
        var jobsRun = 0
        var fired: [(TimerQueue.Entry, TimerQueue.Wakeup)] = []
        let previousRoute = GlobalJobRouting.route(to: self)
        defer { GlobalJobRouting.restore(previousRoute) }
        while true {
            while let queued = state.withLock({ s in s.jobs.popFirst() }) {
                if queued.global {
                    queued.job.runSynchronously(on: QueuedJob.generic)
                } else {
                    queued.job.runSynchronously(on: taskExecutor)
                }
                jobsRun += 1
            }
            let outcome: RunOutcome? = state.withLock { s in
                s.statistics.jobsRun += jobsRun
                jobsRun = 0
                // A job enqueued from elsewhere since the drain: run it before time moves.
                guard s.jobs.isEmpty else { return nil }
                guard let next = s.timers.earliestDeadline() else { return .idle }
                if let deadline, next > deadline.offset {
                    s.now = max(s.now, deadline.offset)
                    return .reachedDeadline
                }
                s.now = max(s.now, next)
                s.timers.popDue(at: s.now, into: &fired)
                s.statistics.timersFired += fired.count
                return nil
            }
            if let outcome {
                if outcome == .idle, let stall = stallError() { throw stall }
                if outcome == .idle, let deadline {
                    state.withLock { s in s.now = max(s.now, deadline.offset) }
                }
                return outcome
            }
            for (entry, wakeup) in fired {
                trace.fold(timer: entry.sequence, at: entry.deadline)
                wakeup.fire()
            }
            fired.removeAll(keepingCapacity: true)
        }
    }

    private func stallError() -> SimulationError? {
        state.withLock { s in
            guard !s.liveTasks.isEmpty else { return nil }
            let parked = s.liveTasks.values.sorted { $0.id < $1.id }
            return .stalled(at: .init(offset: s.now), parked: parked)
        }
    }
}
