import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends the jobs Swift gives its global executor to the simulation they belong to.
///
/// Simulated tasks prefer no task executor: a task with a preference reads it under its status-record lock at every
/// executor switch, and a request makes dozens. Their jobs reach `swift_task_enqueueGlobal` instead, whose hook this
/// installs once per process (as SwiftNIO does to run Concurrency on its event loops). The hook asks a thread-local
/// which simulation, if any, the current thread runs or is spawning into. On any other thread it looks the job up
/// among the simulations' spawned tasks, so a spawned task resumed from outside (a continuation finished by a test)
/// still runs in its simulation; every other job goes to the global executor as before.
///
/// The thread decides, not the task: a task from outside that a simulated task resumes (one awaiting a simulated
/// task's value while the simulation runs) goes on in the simulation's thread until it next suspends. Await a
/// simulation's results after ``SimulationExecutor/run(until:)`` returns, as ``SimulationExecutor/runToCompletion(_:_:)``
/// does.
enum GlobalJobRouting {
    private typealias EnqueueGlobal = @convention(thin) (UnownedJob) -> Void
    private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, EnqueueGlobal) -> Void

    /// The simulation the current thread routes its global jobs to.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "no thread-local key for the simulation executor")
        return key
    }()

    /// Spawned tasks that have not finished, by address, with their simulation. Counted apart so that threads
    /// outside every simulation pay one atomic load while none is spawned.
    private static let spawned = Mutex<[UInt: Unmanaged<SimulationExecutor>]>([:])
    private static let spawnedCount = Atomic<Int>(0)

    /// True once the hook is in place; false where the runtime has no hook to take.
    static let installed: Bool = install()

    static var current: SimulationExecutor? {
        pthread_getspecific(key).map { Unmanaged<SimulationExecutor>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Routes the current thread's global jobs to `executor` until ``restore(_:)`` is given what this returns.
    static func route(to executor: SimulationExecutor) -> UnsafeMutableRawPointer? {
        precondition(installed, "the global enqueue hook could not be installed: the simulation cannot run its tasks")
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, Unmanaged.passUnretained(executor).toOpaque())
        return previous
    }

    static func restore(_ previous: UnsafeMutableRawPointer?) {
        pthread_setspecific(key, previous)
    }

    /// Notes that `task`, spawned by `executor`, runs there wherever it is resumed from; until ``forget(_:)``.
    /// The simulation is retained meanwhile: a task that never finishes must not point at a freed one.
    static func remember(_ task: UInt, of executor: SimulationExecutor) {
        spawned.withLock { $0[task] = Unmanaged.passRetained(executor) }
        spawnedCount.add(1, ordering: .relaxed)
    }

    static func forget(_ task: UInt) {
        guard let executor = spawned.withLock({ $0.removeValue(forKey: task) }) else { return }
        spawnedCount.subtract(1, ordering: .relaxed)
        executor.release()
    }

    /// The simulation a job enqueued on a thread outside every simulation belongs to, if it is a spawned task.
    private static func owner(of job: UnownedJob) -> SimulationExecutor? {
        guard spawnedCount.load(ordering: .relaxed) > 0 else { return nil }
        let address = UInt(bitPattern: unsafeBitCast(job, to: Int.self))
        return spawned.withLock { $0[address]?.takeUnretainedValue() }
    }

    private static func install() -> Bool {
        _ = key
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "swift_task_enqueueGlobal_hook") else { return false }
        let slot = symbol.assumingMemoryBound(to: UnsafeRawPointer?.self)
        let hook: EnqueueGlobalHook = { job, original in
            if let executor = GlobalJobRouting.current {
                executor.enqueueGlobal(job)
            } else if let executor = GlobalJobRouting.owner(of: job) {
                executor.enqueueGlobal(job, fromOutside: true)
            } else {
                original(job)
            }
        }
        // The slot holds a C function pointer; a thin Swift function value is one. Written once, pointer-aligned.
        return withUnsafePointer(to: hook) { pointer in
            let function = UnsafeRawPointer(pointer).load(as: UnsafeRawPointer.self)
            guard slot.pointee == nil || slot.pointee == function else { return false }
            slot.pointee = function
            return true
        }
    }
}
