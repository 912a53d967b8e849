/// The OpenAPI 3.1 description of the routes, written by hand; a test checks it lists exactly the router's routes.
enum OpenAPIDocument {
    struct Operation {
        var method: String
        var path: String
        var summary: String
        var responses: [String]
    }

    static let operations: [Operation] = [
        .init(method: "get", path: "/health", summary: "Health of every service, with reasons and available providers", responses: ["200"]),
        .init(method: "get", path: "/health/live", summary: "Liveness: the process answers", responses: ["200", "503"]),
        .init(method: "get", path: "/health/ready", summary: "Readiness: 503 until the required services answer", responses: ["200", "503"]),
        .init(
            method: "post",
            path: "/api/chat",
            summary: "Chat: {content, system_prompt?, max_tokens, temperature, provider?, conversation_id?, use_memory?, session_id?, message_id?}",
            responses: ["200", "400", "413", "422", "503"]
        ),
        .init(method: "get", path: "/api/models", summary: "Models, their status and the machine's resources", responses: ["200"]),
        .init(method: "get", path: "/api/memory/stats", summary: "Memory store, outbox and recall statistics", responses: ["200"]),
        .init(method: "post", path: "/api/memory/query", summary: "Recall memories similar to a query", responses: ["200", "400", "422", "503"]),
        .init(method: "get", path: "/api/memory/health", summary: "Memory health", responses: ["200", "503"]),
        .init(method: "get", path: "/engines/status", summary: "Each engine's state", responses: ["200"]),
        .init(method: "post", path: "/engines/execute", summary: "Run a coordinated task on the engines", responses: ["200", "400", "422"]),
        .init(method: "get", path: "/metrics", summary: "Prometheus metrics: HTTP requests, health, providers, outbox, spend", responses: ["200"]),
        .init(method: "get", path: "/openapi.json", summary: "This document", responses: ["200"]),
    ]

    static let json: String = {
        var paths: [String: [Operation]] = [:]
        for operation in operations { paths[operation.path, default: []].append(operation) }
        let body = paths.keys.sorted().map { path in
            let methods = paths[path]!.map { operation in
                let responses = operation.responses.map {
                    #""\#($0)":{"description":"\#($0 == "200" ? "OK" : "error: {error: {code, message, field?}}")"}"#
                }
                return #""\#(operation.method)":{"summary":\#(APIError.quote(operation.summary)),"responses":{\#(responses.joined(separator: ","))}}"#
            }
            return #""\#(path)":{\#(methods.joined(separator: ","))}"#
        }
        return #"{"openapi":"3.1.0","info":{"title":"revo","version":"0.1.0"},"paths":{\#(body.joined(separator: ","))}}"#
    }()
}
