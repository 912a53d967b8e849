/// Which way the bytes a toxic acts on travel, as Toxiproxy names them.
public enum ToxicStream: String, Sendable, Codable, CaseIterable {
    /// From the client to the upstream server.
    case upstream
    /// From the upstream server back to the client.
    case downstream
}
