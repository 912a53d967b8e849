import RevoCore
import Synchronization

/// Writes that arrive while one commits wait, and go together in the next transaction: one commit, and one WAL append
/// of the pages they share, for many callers instead of one each. A caller returns once the transaction holding its
/// items has committed (or failed), so an acknowledged write is as durable as before.
///
/// A cancelled caller (a timed-out guard) returns at once: its items are dropped if they are still queued, and may
/// still be committed if their transaction has begun — the outcome of any write that times out.
final class GroupCommit<Item: Sendable>: Sendable {
    private typealias Waiter = CheckedContinuation<Result<Void, StoreError>, Never>

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

    /// Returns once `items` are committed; throws what the transaction that held them threw.
    func submit(_ items: [Item]) async throws(StoreError) {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: Waiter) in
                let leads = state.withLock { s -> Bool? in
                    // Checked under the lock, so a cancellation either is seen here or finds the waiter registered.
                    guard !Task.isCancelled else { return nil }
                    s.waiting.append(Waiting(id: id, items: items))
                    s.waiters[id] = continuation
                    guard !s.committing else { return false }
                    s.committing = true
                    return true
                }
                switch leads {
                case nil: continuation.resume(returning: .failure(Self.cancelled))
                // The first caller of a quiet period starts the committer; until the queue is empty it commits
                // whatever arrived during the previous commit.
                case true?: Task { await self.drain() }
                case false?: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { s in
                s.waiting.removeAll { $0.id == id }
                return s.waiters.removeValue(forKey: id)
            }
            waiter?.resume(returning: .failure(Self.cancelled))
        }
        try result.get()
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
            let result: Result<Void, StoreError>
            do throws(StoreError) {
                try await commit(batch.flatMap(\.items))
                result = .success(())
            } catch {
                result = .failure(error)
            }
            let (answered, next) = state.withLock { s in
                (batch.compactMap { s.waiters.removeValue(forKey: $0.id) }, Self.take(largestBatch, from: &s))
            }
            for waiter in answered { waiter.resume(returning: result) }
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
