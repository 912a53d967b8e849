/// For a 404: the route the caller most likely meant, so a frontend on the wrong base path or a WebSocket opened on
/// the wrong URL gets told the right one (the original answered a bare 404 and left its users guessing).
enum RouteSuggestion {
    /// Every path the server answers, from the OpenAPI document (which a test keeps equal to the router).
    static let paths: [String] = {
        var seen: [String] = []
        for operation in OpenAPIDocument.operations where !seen.contains(operation.path) { seen.append(operation.path) }
        return seen
    }()

    /// The methods the server answers on exactly `path`, upper-case, in document order; empty for a path it does
    /// not serve.
    static func methods(for path: String) -> [String] {
        var methods: [String] = []
        for operation in OpenAPIDocument.operations where operation.path == path {
            let method = operation.method.uppercased()
            if !methods.contains(method) { methods.append(method) }
        }
        return methods
    }

    /// The known path closest to `path`, or nil: the same path under `/api`, the path with one segment removed
    /// (`/api/v1/chat`), the only route under it (`/ws` → `/ws/chat`), or one ending the same way (`/v2/chat` →
    /// `/api/chat`). Checked in that order, so the answer is stable.
    static func suggest(for path: String) -> String? {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        if trimmed != path, paths.contains(trimmed) { return trimmed }
        if paths.contains("/api" + trimmed) { return "/api" + trimmed }
        let segments = trimmed.split(separator: "/")
        for index in segments.indices {
            var shorter = segments
            shorter.remove(at: index)
            let candidate = "/" + shorter.joined(separator: "/")
            if paths.contains(candidate) { return candidate }
        }
        let under = paths.filter { $0.hasPrefix(trimmed + "/") }
        if under.count == 1 { return under[0] }
        if let last = segments.last {
            let ending = paths.filter { $0.hasSuffix("/" + last) }
            if ending.count == 1 { return ending[0] }
        }
        return nil
    }
}
