import RevoCore
import RevoRuntime
import Synchronization

/// The one reply a socket may be streaming: starting a second while the first runs is refused, `cancel` stops it.
final class StreamSlot: Sendable {
    private let state = Mutex<(task: Task<Void, Never>?, generation: Int)>((nil, 0))
    private let starter: any TaskStarter

    init(starter: any TaskStarter) {
        self.starter = starter
    }

    /// Starts `body` unless a reply is streaming; returns whether it started.
    func start(_ body: @escaping @Sendable () async -> Void) -> Bool {
        state.withLock { state in
            guard state.task == nil else { return false }
            state.generation += 1
            let generation = state.generation
            state.task = starter.start("ws.reply") {
                await body()
                self.finished(generation)
            }
            return true
        }
    }

    func cancel() {
        state.withLock { $0.task?.cancel() }
    }

    /// Cancels what is streaming and waits for it to end.
    func stop() async {
        let task = state.withLock { $0.task }
        task?.cancel()
        await task?.value
    }

    private func finished(_ generation: Int) {
        state.withLock { state in
            if state.generation == generation { state.task = nil }
        }
    }
}
