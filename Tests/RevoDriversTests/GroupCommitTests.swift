import RevoCore
import Synchronization
import Testing

@testable import RevoDrivers

@Suite("Group commit")
struct GroupCommitTests {
    /// A commit the test opens and holds: batch sizes as committed, and a gate the first commit waits at.
    final class Recorder: Sendable {
        let batches = Mutex<[[Int]]>([])
        let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let failing: Bool

        init(failing: Bool = false) {
            self.failing = failing
        }

        func commit(_ items: [Int]) async throws(StoreError) {
            let first = batches.withLock { batches in
                batches.append(items)
                return batches.count == 1
            }
            if first { await withCheckedContinuation { continuation in gate.withLock { $0 = continuation } } }
            if failing { throw .unavailable("disk gone") }
        }

        func open() async {
            while true {
                if let continuation = gate.withLock({ $0.take() }) { return continuation.resume() }
                await Task.yield()
            }
        }
    }

    @Test("what arrives during a commit goes in the next one, and every caller returns once its batch committed")
    func batches() async throws {
        let recorder = Recorder()
        let commits = GroupCommit<Int> { items throws(StoreError) in try await recorder.commit(items) }
        try await withThrowingTaskGroup { group in
            group.addTask { try await commits.submit([0]) }
            // The first commit is held until ten more callers queue behind it.
            while recorder.batches.withLock({ $0.isEmpty }) { await Task.yield() }
            for caller in 1...10 { group.addTask { try await commits.submit([caller * 10, caller * 10 + 1]) } }
            while commits.waitingCount < 10 { await Task.yield() }
            await recorder.open()
            try await group.waitForAll()
        }
        let batches = recorder.batches.withLock { $0 }
        #expect(batches.count == 2)
        #expect(batches.first == [0])
        #expect(batches.last?.sorted() == (1...10).flatMap { [$0 * 10, $0 * 10 + 1] })
    }

    @Test("a failed commit fails every caller whose items it held, and the next batch is tried afresh")
    func failures() async throws {
        let recorder = Recorder(failing: true)
        let commits = GroupCommit<Int> { items throws(StoreError) in try await recorder.commit(items) }
        let failures = await withTaskGroup { group in
            for caller in 0..<3 {
                group.addTask { () -> StoreError? in
                    do throws(StoreError) {
                        try await commits.submit([caller])
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            await recorder.open()
            var failures: [StoreError] = []
            for await failure in group { failure.map { failures.append($0) } }
            return failures
        }
        #expect(failures == Array(repeating: .unavailable("disk gone"), count: 3))
        #expect(recorder.batches.withLock { $0.flatMap { $0 }.sorted() } == [0, 1, 2])
    }
}

extension GroupCommitTests {
    @Test("a cancelled caller returns at once: queued items are dropped, the commit in progress goes on")
    func cancellation() async throws {
        let recorder = Recorder()
        let commits = GroupCommit<Int> { items throws(StoreError) in try await recorder.commit(items) }
        let first = Task { try await commits.submit([1]) }
        while recorder.batches.withLock({ $0.isEmpty }) { await Task.yield() }
        let queued = Task { try await commits.submit([2]) }
        while commits.waitingCount < 1 { await Task.yield() }
        // Both are cancelled while the first commit is held: neither waits for it.
        first.cancel()
        queued.cancel()
        #expect(await first.result.error as? StoreError == .timeout("cancelled while waiting for a commit"))
        #expect(await queued.result.error as? StoreError == .timeout("cancelled while waiting for a commit"))
        #expect(commits.waitingCount == 0)
        await recorder.open()
        try await commits.submit([3])
        #expect(recorder.batches.withLock { $0 } == [[1], [3]])
    }
}

extension GroupCommitTests {
    @Test("callers answered with nothing queued find the committer stepped down, so their next writes lead a commit")
    func answeredAfterSteppingDown() async throws {
        let recorder = Recorder()
        let commits = GroupCommit<Int>(largestBatch: 10_000) { items throws(StoreError) in try await recorder.commit(items) }
        let callers = 5_000
        let sawCommitting = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await commits.submit([-1])
                return false
            }
            while recorder.batches.withLock({ $0.isEmpty }) { await Task.yield() }
            // One batch of many callers: while they are answered one by one, the first ones answered already run.
            for caller in 0..<callers {
                group.addTask {
                    try await commits.submit([caller])
                    return commits.isCommitting
                }
            }
            while commits.waitingCount < callers { await Task.yield() }
            await recorder.open()
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(recorder.batches.withLock { $0.count } == 2)
        #expect(sawCommitting == 0, "\(sawCommitting) of \(callers) callers were answered before the committer stepped down")
    }
}

extension Result {
    fileprivate var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
