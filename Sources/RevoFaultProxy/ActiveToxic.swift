/// A toxic as a connection applies it: its checked kind and the stream it acts on.
struct ActiveToxic: Sendable, Equatable {
    var name: String
    var kind: ToxicKind
    var stream: ToxicStream
    var toxicity: Double
}

/// The toxics of a proxy at one moment, with a generation number that changes whenever they do, so connections
/// re-read them only after a change.
struct ToxicSnapshot: Sendable {
    var generation: UInt64
    var toxics: [ActiveToxic]

    static let empty = ToxicSnapshot(generation: 0, toxics: [])
}
