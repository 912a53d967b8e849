/// A proxy as the control API shows it: where it listens, where it forwards, whether it is on, and its toxics.
public struct ProxyDefinition: Sendable, Equatable, Codable {
    public var name: String
    /// `host:port`; port 0 picks a free one, and the definition then shows the port chosen.
    public var listen: String
    public var upstream: String
    public var enabled: Bool
    public var toxics: [Toxic]

    public init(name: String, listen: String, upstream: String, enabled: Bool = true, toxics: [Toxic] = []) {
        self.name = name
        self.listen = listen
        self.upstream = upstream
        self.enabled = enabled
        self.toxics = toxics
    }

    enum CodingKeys: String, CodingKey {
        case name, listen, upstream, enabled, toxics
    }

    /// The port of ``listen`` (the one chosen, once the proxy listens); 0 when it has none.
    public var listenPort: Int {
        (try? ProxyAddress.parse(listen, field: "listen"))?.port ?? 0
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        listen = try container.decodeIfPresent(String.self, forKey: .listen) ?? "127.0.0.1:0"
        upstream = try container.decode(String.self, forKey: .upstream)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        toxics = try container.decodeIfPresent([Toxic].self, forKey: .toxics) ?? []
    }
}

/// The body of a proxy update (POST or PATCH /proxies/{name}): only what changes.
public struct ProxyUpdate: Sendable, Codable {
    public var listen: String?
    public var upstream: String?
    public var enabled: Bool?
}

/// `host:port` as proxies take it.
enum ProxyAddress {
    static func parse(_ text: String, field: String) throws(ToxicError) -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":") else { throw .invalidField(field, "must be host:port, got '\(text)'") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw .invalidField(field, "has no port between 0 and 65535: '\(text)'")
        }
        return (host.isEmpty ? "0.0.0.0" : host == "localhost" ? "127.0.0.1" : host, port)
    }
}
