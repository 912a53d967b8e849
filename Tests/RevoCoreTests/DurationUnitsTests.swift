import RevoRuntime
import Testing

/// `nanoseconds` is what stored timestamps, window slots and trace lines are made of: it must drop the part below a
/// nanosecond toward zero, as seconds and attoseconds read from `components` do, on both sides of zero.
struct DurationUnitsTests {
    static let samples: [Duration] = [
        .zero,
        .nanoseconds(1),
        .nanoseconds(-1),
        .seconds(9),
        .seconds(10),
        .milliseconds(-1_500),
        .seconds(86_400 * 365 * 200),
        .seconds(-86_400 * 365 * 200),
        Duration(secondsComponent: 12, attosecondsComponent: 999_999_999),
        Duration(secondsComponent: -12, attosecondsComponent: -999_999_999),
        Duration(secondsComponent: 3, attosecondsComponent: 1_000_000_001),
        Duration(secondsComponent: -3, attosecondsComponent: -1_000_000_001),
        Duration(secondsComponent: 0, attosecondsComponent: -999_999_999_999_999_999),
        .seconds(1) / 3,
        .seconds(-1) / 3,
    ]

    @Test("nanoseconds truncate toward zero, as the components do", arguments: samples)
    func nanosecondsMatchComponents(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        #expect(duration.nanoseconds == seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    @Test func nanosecondsOfKnownValues() {
        #expect(Duration(secondsComponent: 2, attosecondsComponent: 999_999_999).nanoseconds == 2_000_000_000)
        #expect(Duration(secondsComponent: -2, attosecondsComponent: -999_999_999).nanoseconds == -2_000_000_000)
        #expect(Duration(secondsComponent: 0, attosecondsComponent: -1_000_000_000).nanoseconds == -1)
        #expect(Duration.milliseconds(-1_500).nanoseconds == -1_500_000_000)
    }
}
