/// The `host[:port]` part of a service URL (`redis://…`, `postgres://…`).
enum HostAndPort {
    /// Why an authority is not `host[:port]`.
    struct Invalid: Error {
        var reason: String
    }

    static func parse(_ authority: Substring, defaultPort: Int) throws(Invalid) -> (host: String, port: Int) {
        var host = authority
        var port = defaultPort
        if let colon = authority.lastIndex(of: ":") {
            let portText = authority[authority.index(after: colon)...]
            guard let number = Int(portText), (1...65_535).contains(number) else {
                throw Invalid(reason: "the port '\(portText)' is not between 1 and 65535")
            }
            port = number
            host = authority[..<colon]
        }
        guard !host.isEmpty else { throw Invalid(reason: "no host") }
        return (String(host), port)
    }
}
