/// A clock that reads the same instant for as long as it lives, so answers computed from the time (a `Retry-After`)
/// do not depend on how fast the test runs; sleeping on it still waits in real time.
struct StoppedClock: Clock {
    typealias Duration = Swift.Duration
    typealias Instant = ContinuousClock.Instant

    let now = ContinuousClock.now
    var minimumResolution: Duration { .zero }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try await ContinuousClock().sleep(until: deadline, tolerance: tolerance)
    }
}
