import Testing

@testable import RevoCore

@Suite("Breaker outcome window")
struct OutcomeWindowTests {
    @Test("calls count while their slot is in the window and leave with it, at most a sixtieth of the window early")
    func slotsExpire() {
        var window = OutcomeWindow(window: .seconds(60))
        window.record(failed: true, at: .milliseconds(500))
        window.record(failed: false, at: .seconds(30))
        #expect((window.callCount, window.failureCount) == (2, 1))
        // Slot 0 covers [0 s, 1 s): it is in the window until slot 60 begins.
        window.record(failed: false, at: .milliseconds(59_999))
        #expect((window.callCount, window.failureCount) == (3, 1))
        window.record(failed: false, at: .seconds(60))
        #expect((window.callCount, window.failureCount) == (3, 0))
        window.record(failed: false, at: .seconds(90))
        #expect(window.callCount == 3, "the call at 30 s left with its slot")
    }

    @Test("a call that ended just before the newest one counted goes to its own slot; one older than the window is dropped")
    func lateCalls() {
        var window = OutcomeWindow(window: .seconds(60))
        window.record(failed: false, at: .seconds(100))
        window.record(failed: true, at: .seconds(99))
        #expect((window.callCount, window.failureCount) == (2, 1))
        window.record(failed: true, at: .seconds(10))
        #expect((window.callCount, window.failureCount) == (2, 1))
        window.record(failed: false, at: .seconds(159))
        #expect((window.callCount, window.failureCount) == (2, 0), "the slot of 99 s has left; the one of 100 s has not")
    }

    @Test("a quiet spell longer than the window empties it; so does removeAll")
    func gapsAndReset() {
        var window = OutcomeWindow(window: .seconds(10))
        for tenth in 0..<50 { window.record(failed: tenth % 2 == 0, at: .milliseconds(100 * tenth)) }
        #expect((window.callCount, window.failureCount) == (50, 25))
        window.record(failed: false, at: .seconds(3600))
        #expect((window.callCount, window.failureCount) == (1, 0))
        window.removeAll()
        #expect((window.callCount, window.failureCount) == (0, 0))
        window.record(failed: true, at: .seconds(3601))
        #expect((window.callCount, window.failureCount) == (1, 1))
    }

    @Test("times before zero fall in their own slots")
    func negativeTimes() {
        var window = OutcomeWindow(window: .seconds(60))
        window.record(failed: true, at: .milliseconds(-500))
        window.record(failed: false, at: .milliseconds(500))
        #expect((window.callCount, window.failureCount) == (2, 1))
        window.record(failed: false, at: .seconds(59))
        #expect((window.callCount, window.failureCount) == (2, 0), "slot -1 left when slot 59 began; slot 0 stays until slot 60 begins")
    }
}
