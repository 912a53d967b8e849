/// One request's way through the chain: the next candidate, its admission, attempts on it, and what each failure
/// means for what comes next.
extension ModelManager {
    /// Where a request's routing stands between steps.
    struct RouteProgress {
        let start: Duration
        let deadline: Duration
        var trace = DecisionTrace()
        var requiredContext: Int
        /// A slice: taking candidates off its front moves its start instead of copying the chain.
        var queue: ArraySlice<ProviderID>
        var forced: [ProviderID] = []
        var calledProviders: [ProviderID] = []
        var breakerSkips: [(id: ProviderID, reopensAt: Duration)] = []
        var triedClosestToRecovery = false
        var retryAfterWaited = Duration.zero
        /// Said of the current candidate's first attempt in the trace: why it was chosen.
        var note: String?

        mutating func append(_ id: ProviderID, _ outcome: DecisionTrace.Outcome, retry: Int, from started: Duration, to finished: Duration) {
            trace.append(.init(provider: id, outcome: outcome, retry: retry, startedAt: started - start, duration: finished - started, note: note))
        }
    }

    /// A candidate and whether it may pass an open circuit.
    struct Candidate {
        var id: ProviderID
        var bypassBreaker = false
    }

    func route(
        _ request: GenerationRequest,
        sink: (@Sendable (String) async throws -> Void)?
    ) async throws(ModelManagerError) -> ModelResponse {
        let start = clock.now
        var queue = chain[...]
        if let preferred = request.preferredProvider, let index = queue.firstIndex(of: preferred) {
            queue.insert(queue.remove(at: index), at: queue.startIndex)
        }
        var progress = RouteProgress(
            start: start,
            deadline: min(start + policy.requestDeadline, request.deadline ?? .seconds(Int64.max / 2)),
            requiredContext: request.requiredContext,
            queue: queue
        )
        while true {
            if Task.isCancelled { throw .cancelled }
            let now = clock.now
            if now >= progress.deadline { throw .deadlineExceeded(progress.trace) }
            let candidate = try nextCandidate(&progress, at: now)
            guard case .go(let descriptor, let provider) = admit(candidate, &progress, at: now) else { continue }
            if let response = try await attempts(on: candidate.id, descriptor, provider, request, sink: sink, &progress) {
                return response
            }
        }
    }

    /// A forced alternative, the chain, or — when every circuit was open and nothing was called — the closest to
    /// recovery; past the fallback cap, or with nothing left, no model is available.
    private func nextCandidate(_ progress: inout RouteProgress, at now: Duration) throws(ModelManagerError) -> Candidate {
        let candidate: Candidate
        progress.note = nil
        if !progress.forced.isEmpty {
            candidate = Candidate(id: progress.forced.removeFirst())
        } else if !progress.queue.isEmpty {
            candidate = Candidate(id: progress.queue.removeFirst())
        } else if progress.calledProviders.isEmpty, !progress.triedClosestToRecovery,
            let closest = progress.breakerSkips.min(by: { ($0.reopensAt, $0.id) < ($1.reopensAt, $1.id) })
        {
            progress.triedClosestToRecovery = true
            progress.note = "all circuits open: trying the one closest to recovery"
            candidate = Candidate(id: closest.id, bypassBreaker: true)
        } else {
            throw .noModelAvailable(progress.trace)
        }
        if !progress.calledProviders.contains(candidate.id), progress.calledProviders.count > policy.maxFallbacks {
            progress.trace.append(
                .init(
                    provider: candidate.id,
                    outcome: .skipped("fallback cap of \(policy.maxFallbacks) reached"),
                    retry: 0,
                    startedAt: now - progress.start,
                    duration: .zero
                )
            )
            throw .noModelAvailable(progress.trace)
        }
        return candidate
    }

    /// The admission decision, with a skip written to the trace and an open circuit remembered.
    private func admit(_ candidate: Candidate, _ progress: inout RouteProgress, at now: Duration) -> Admission {
        let admission = admit(candidate.id, requiredContext: progress.requiredContext, bypassBreaker: candidate.bypassBreaker, at: now)
        switch admission {
        case .skip(let reason, let reopensAt):
            progress.trace.append(
                .init(provider: candidate.id, outcome: .skipped(reason), retry: 0, startedAt: now - progress.start, duration: .zero)
            )
            if let reopensAt { progress.breakerSkips.append((candidate.id, reopensAt)) }
        case .go:
            if !progress.calledProviders.contains(candidate.id) { progress.calledProviders.append(candidate.id) }
        }
        return admission
    }

    /// Attempts on one provider until it answers (the response), a failure ends the request (thrown), or a failure
    /// sends the request on (nil).
    private func attempts(
        on id: ProviderID,
        _ descriptor: ModelDescriptor,
        _ provider: any ModelProvider,
        _ request: GenerationRequest,
        sink: (@Sendable (String) async throws -> Void)?,
        _ progress: inout RouteProgress
    ) async throws(ModelManagerError) -> ModelResponse? {
        var retry = 0
        while true {
            let attemptStart = clock.now
            let result = await attempt(provider, request, deadline: min(progress.deadline, attemptStart + policy.attemptTimeout), sink: sink)
            let finished = clock.now
            switch result {
            case .answered(let text, let usage, let firstTokenAt):
                let cost = descriptor.cost(of: usage)
                recordAnswer(id, kind: descriptor.kind, costUSD: cost, at: finished)
                progress.append(id, .succeeded, retry: retry, from: attemptStart, to: finished)
                return ModelResponse(
                    text: text,
                    provider: id,
                    providerKind: descriptor.kind,
                    usage: usage,
                    costUSD: cost,
                    latency: finished - progress.start,
                    timeToFirstToken: firstTokenAt.map { $0 - progress.start },
                    trace: progress.trace
                )
            case .cancelled:
                recordAbandoned(id)
                throw .cancelled
            case .failed(let error, let delivered, let deliveredTokens):
                recordFailure(id, error, at: finished)
                if deliveredTokens > 0 {
                    progress.append(id, .interrupted(error), retry: retry, from: attemptStart, to: finished)
                    throw .interrupted(
                        StreamInterruption(
                            provider: id,
                            deliveredText: delivered,
                            deliveredTokens: deliveredTokens,
                            error: error,
                            trace: progress.trace
                        )
                    )
                }
                progress.append(id, .failed(error), retry: retry, from: attemptStart, to: finished)
                progress.note = nil
                guard try await retries(id, after: error, retry: retry, &progress) else { return nil }
                retry += 1
            }
        }
    }

    /// What a failure without delivered tokens means: end the request (thrown), try this provider again after the
    /// wait it calls for (true), or go on to the next candidate (false).
    private func retries(
        _ id: ProviderID,
        after error: ProviderError,
        retry: Int,
        _ progress: inout RouteProgress
    ) async throws(ModelManagerError) -> Bool {
        switch error {
        case .invalidRequest:
            throw .invalidRequest(error, progress.trace)
        case .contentPolicy:
            if let alternative = policy.contentPolicyAlternative, alternative != id, !progress.calledProviders.contains(alternative) {
                progress.forced.append(alternative)
                return false
            }
            throw .contentRejected(error, progress.trace)
        case .contextTooLong(_, let requested):
            progress.requiredContext = max(progress.requiredContext, requested)
            return false
        case .rateLimited(let retryAfter):
            guard retry < policy.retry.rateLimitRetries, let wait = retryAfter, wait <= policy.retry.maxRetryAfter,
                progress.retryAfterWaited + wait <= policy.retry.maxTotalRetryAfterWait, clock.now + wait < progress.deadline
            else { return false }
            progress.retryAfterWaited += wait
            do { try await clock.sleep(for: wait) } catch { throw .cancelled }
            return true
        case .serverError, .timeout:
            guard retry < policy.retry.retries(for: error.errorClass) else { return false }
            let wait = policy.retry.backoff(retry: retry + 1, random: random)
            guard clock.now + wait < progress.deadline else { return false }
            do { try await clock.sleep(for: wait) } catch { throw .cancelled }
            // A circuit that opened meanwhile (other requests failing too) ends the retries.
            return !circuitRejects(id)
        case .unavailable, .missingLibrary, .missingWeights, .outOfMemory, .connectionRefused, .authentication:
            return false
        }
    }
}
