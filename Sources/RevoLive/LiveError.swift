import RevoScenarios

/// Why a live run could not start or finish; each names the part that failed and where its log is.
public struct LiveError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
