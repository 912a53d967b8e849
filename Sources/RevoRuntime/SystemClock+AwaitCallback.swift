extension SystemClock {
    /// Waits for what `start` hands its callback (work on a thread or queue of its own, which cannot be interrupted)
    /// and stops waiting at the kept deadline (``kept``, when its clock has a scheduler) or when the task is
    /// cancelled, whichever comes first: what ``Waits/keepsDeadline`` promises, without a race's child task. On
    /// stopping early it calls `abandoned` and throws ``TimeoutError`` or `CancellationError`; the work goes on, as a
    /// raced child's did until it saw its cancellation. Without a kept deadline it waits for the callback or a
    /// cancellation. Inlinable, so the caller's module specializes it for its result type.
    @inlinable
    public static func awaitCallback<Success: Sendable>(
        abandoned: @escaping @Sendable () -> Void = {},
        _ start: (_ deliver: @escaping @Sendable (Result<Success, any Error>) -> Void) -> Void
    ) async throws -> Success {
        try Task.checkCancellation()
        let race = DeadlineRace<Success>()
        var timer: (id: ScheduledDeadline, scheduler: any DeadlineScheduler)?
        if let kept, let scheduler = kept.clock.deadlines {
            let remaining = kept.deadline - kept.clock.now
            guard remaining > .zero else { throw TimeoutError(limit: "deadline passed") }
            timer = (scheduler.schedule(after: remaining) { race.settle(.timedOut) }, scheduler)
        }
        start { result in race.settle(.finished(result)) }
        let outcome = await withTaskCancellationHandler {
            await race.outcome()
        } onCancel: {
            race.settle(.cancelled)
        }
        if let timer { timer.scheduler.cancel(timer.id) }
        switch outcome {
        case .finished(let result):
            return try result.get()
        case .timedOut:
            abandoned()
            throw TimeoutError(limit: "deadline passed")
        case .cancelled:
            abandoned()
            throw CancellationError()
        }
    }
}
