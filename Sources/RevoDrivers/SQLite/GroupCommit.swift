import RevoCore
import RevoRuntime
import Synchronization

/// Writes that arrive while one commits wait, and go together in the next transaction: one commit, and one WAL append
/// of the pages they share, for many callers instead of one each. A caller returns once the transaction holding its
/// items has committed (or failed), so an acknowledged write is as durable as before.
///
/// A caller stops waiting at the deadline its task is kept to (``SystemClock/awaitCallback(abandoned:_:)``) or when it
/// is cancelled: its items are dropped if they are still queued, and may still be committed if their transaction has
/// begun — the outcome of any write that times out.
final class GroupCommit<Item: Sendable>: Sendable {
    private typealias Waiter = @Sendable (Result<Void, any Error>) -> Void

    private struct Waiting {
        var id: UInt64
        var items: [Item]
    }

    private struct State {
        var nextID: UInt64 = 0
        var waiting: [Waiting] = []
        /// Every caller not yet answered, queued or in the transaction in progress.
        var waiters: [UInt64: Waiter] = [:]
        var committing = false
    }

    /// Callers per transaction at most, so one commit stays short.
    let largestBatch: Int
    private let state = Mutex(State())
    private let commit: @Sendable ([Item]) async throws(StoreError) -> Void

    init(largestBatch: Int = 256, commit: @escaping @Sendable ([Item]) async throws(StoreError) -> Void) {
        precondition(largestBatch > 0, "a batch holds at least one caller")
        self.largestBatch = largestBatch
        self.commit = commit
    }

    /// Returns once `items` are committed; throws what the transaction that held them threw, or a time-out.
    func submit(_ items: [Item]) async throws(StoreError) {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        do {
            try await SystemClock.awaitCallback(abandoned: { self.abandon(id) }, { waiter in enqueue(id, items, waiter) })
        } catch let error as StoreError {
            throw error
        } catch is TimeoutError {
            throw .timeout("no commit before the deadline")
        } catch {
            throw Self.cancelled
        }
    }

    /// Queues a caller. The first caller of a quiet period starts the committer; until the queue is empty it commits
    /// whatever arrived during the previous commit. Detached: it serves every caller, so it takes on none of this
    /// one's task-locals (its kept deadline, its request id).
    private func enqueue(_ id: UInt64, _ items: [Item], _ waiter: @escaping Waiter) {
        let leads = state.withLock { s -> Bool in
            s.waiting.append(Waiting(id: id, items: items))
            s.waiters[id] = waiter
            guard !s.committing else { return false }
            s.committing = true
            return true
        }
        if leads { Task.detached { await self.drain() } }
    }

    /// Drops a caller that stopped waiting: its items too, unless a transaction has taken them.
    private func abandon(_ id: UInt64) {
        state.withLock { s in
            s.waiting.removeAll { $0.id == id }
            s.waiters[id] = nil
        }
    }

    /// Callers queued behind the commit in progress.
    var waitingCount: Int {
        state.withLock { $0.waiting.count }
    }

    /// True while a committer runs: from the first caller of a quiet period until the last batch is taken.
    var isCommitting: Bool {
        state.withLock { $0.committing }
    }

    private static var cancelled: StoreError { .timeout("cancelled while waiting for a commit") }

    /// Commits batches until none is queued. The committer steps down before it answers the last batch, so a caller
    /// that writes again as soon as it is answered leads the next commit itself: whether a write leads or joins does
    /// not depend on which thread gets there first.
    private func drain() async {
        var batch = state.withLock { s in Self.take(largestBatch, from: &s) }
        while !batch.isEmpty {
            let result: Result<Void, any Error>
            do throws(StoreError) {
                try await commit(batch.flatMap(\.items))
                result = .success(())
            } catch {
                result = .failure(error)
            }
            let (answered, next) = state.withLock { s in
                (batch.compactMap { s.waiters.removeValue(forKey: $0.id) }, Self.take(largestBatch, from: &s))
            }
            for waiter in answered { waiter(result) }
            batch = next
        }
    }

    /// The next batch, oldest first; when none is queued, the committer steps down.
    private static func take(_ largest: Int, from s: inout State) -> [Waiting] {
        guard !s.waiting.isEmpty else {
            s.committing = false
            return []
        }
        let count = min(s.waiting.count, largest)
        defer { s.waiting.removeFirst(count) }
        return Array(s.waiting.prefix(count))
    }
}
