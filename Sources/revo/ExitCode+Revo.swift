import ArgumentParser

/// The fixed exit-code contract of every `revo` command (DESIGN.md); CI gates read these, so they never change.
extension ExitCode {
    /// A check failed.
    static let checkFailed = ExitCode(1)
    /// The verdict is unknown: a declared fault never fired, or a check had no data.
    static let unknown = ExitCode(2)
    /// Two runs with the same seed did not produce the same digest.
    static let nondeterminism = ExitCode(3)
    /// A budget regressed against a baseline.
    static let regression = ExitCode(4)
    /// Invalid scenario or usage (EX_USAGE); ArgumentParser uses it for bad arguments too.
    static let usage = ExitCode(64)
    /// Internal error (EX_SOFTWARE).
    static let internalError = ExitCode(70)
}
