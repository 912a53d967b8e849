import RevoCore

/// The OpenAPI 3.1 description of the routes, written by hand; a test checks it lists exactly the router's routes.
enum OpenAPIDocument {
    struct Operation {
        var method: String
        var path: String
        var summary: String
        var responses: [String]
        /// Needs `Authorization: Bearer <access token>` (401 without).
        var secured = false
    }

    static let operations: [Operation] = [
        .init(method: "get", path: "/health", summary: "Health of every service, with reasons and available providers", responses: ["200"]),
        .init(method: "get", path: "/health/live", summary: "Liveness: the process answers", responses: ["200", "503"]),
        .init(method: "get", path: "/health/ready", summary: "Readiness: 503 until the required services answer", responses: ["200", "503"]),
        .init(
            method: "post",
            path: "/api/chat",
            summary: "Chat: {content, system_prompt?, max_tokens, temperature, provider?, conversation_id?, use_memory?, session_id?, message_id?}",
            responses: ["200", "400", "413", "422", "429", "503"],
            secured: true
        ),
        .init(
            method: "get",
            path: "/api/models",
            summary: "Models, their status and the machine's resources",
            responses: ["200", "429"],
            secured: true
        ),
        .init(
            method: "get",
            path: "/api/memory/stats",
            summary: "Memory store, outbox and recall statistics",
            responses: ["200", "429"],
            secured: true
        ),
        .init(
            method: "post",
            path: "/api/memory/query",
            summary: "Recall memories similar to a query",
            responses: ["200", "400", "422", "429", "503"],
            secured: true
        ),
        .init(
            method: "post",
            path: "/api/memory/store",
            summary: "Store a memory {content, type?, session_id?} → {id, durability: primary | outbox}",
            responses: ["201", "400", "422", "429", "503"],
            secured: true
        ),
        .init(method: "get", path: "/api/memory/health", summary: "Memory health", responses: ["200", "429", "503"], secured: true),
        .init(method: "get", path: "/engines/status", summary: "Each engine's state", responses: ["200", "429"], secured: true),
        .init(
            method: "post",
            path: "/engines/execute",
            summary: "Run a coordinated task on the engines",
            responses: ["200", "400", "422", "429"],
            secured: true
        ),
        .init(
            method: "get",
            path: "/ws/chat",
            summary: """
                WebSocket chat (Upgrade: websocket). Token in Authorization, ?token= or a first {type: auth, token} message; \
                close 1008 without a valid one. Client: auth, chat, cancel, ping. Server: ready, start, token, response, \
                interrupted, cancelled, error, pong. See docs/websocket.md
                """,
            responses: ["101", "426", "429"]
        ),
        .init(
            method: "post",
            path: "/auth/register",
            summary: "Create an account: {username, password} → tokens (access 30 min, refresh 7 days)",
            responses: ["201", "400", "409", "422", "429", "503"]
        ),
        .init(method: "post", path: "/auth/login", summary: "{username, password} → tokens", responses: ["200", "400", "401", "422", "429", "503"]),
        .init(method: "post", path: "/auth/refresh", summary: "{refresh_token} → new tokens", responses: ["200", "400", "401", "422", "429", "503"]),
        .init(method: "get", path: "/auth/me", summary: "The caller's account", responses: ["200", "429", "503"], secured: true),
        .init(method: "get", path: "/metrics", summary: "Prometheus metrics: HTTP requests, health, providers, outbox, spend", responses: ["200"]),
        .init(method: "get", path: "/openapi.json", summary: "This document", responses: ["200"]),
    ]

    static let json: String = {
        var paths: [String: [Operation]] = [:]
        for operation in operations { paths[operation.path, default: []].append(operation) }
        let body = paths.keys.sorted().map { path in
            let methods = paths[path]!.map { operation in
                let codes = operation.responses + (operation.secured ? ["401"] : [])
                let responses = codes.sorted().map { code in
                    let description =
                        switch code {
                        case "200", "201": "OK"
                        case "101": "Switching Protocols"
                        default: "error: {error: {code, message, field?}}"
                        }
                    return #""\#(code)":{"description":"\#(description)"}"#
                }
                let security = operation.secured ? #","security":[{"bearer":[]}]"# : ""
                return
                    #""\#(operation.method)":{"summary":\#(JSONObjectWriter.quoted(operation.summary)),"responses":{\#(responses.joined(separator: ","))}\#(security)}"#
            }
            return #""\#(path)":{\#(methods.joined(separator: ","))}"#
        }
        let components = #""components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer","bearerFormat":"JWT"}}}"#
        return #"{"openapi":"3.1.0","info":{"title":"revo","version":"0.1.0"},"paths":{\#(body.joined(separator: ","))},\#(components)}"#
    }()
}
