import Foundation
import RevoCore

/// `POST /engines/execute` body, in the original coordinator's shape.
struct EngineBody: Sendable, JSONObjectDecodable {
    var taskId: String?
    var taskType: String?
    var description: String
    var input: String?
    var complexity: String?
    var requiredEngines: [String]?
    var strategy: String?
    var timeoutSeconds: Double?

    init(_ object: JSONObject) throws(APIError) {
        try object.allowOnly(["task_id", "task_type", "description", "input", "complexity", "required_engines", "strategy", "timeout_seconds"])
        taskId = try object.string("task_id")
        taskType = try object.string("task_type")
        description = try object.requiredString("description")
        input = try object.string("input")
        complexity = try object.string("complexity")
        requiredEngines = try object.strings("required_engines")
        strategy = try object.string("strategy")
        timeoutSeconds = try object.double("timeout_seconds")
    }
}

struct EngineAnswer: Encodable, Sendable {
    struct EngineResult: Encodable, Sendable {
        var engine: String
        var success: Bool
        var result: String?
        var error: String?
        var executionTimeMs: Double
    }

    var taskId: String
    var success: Bool
    var primaryResult: String?
    var engineResponses: [EngineResult]
    var totalExecutionTimeMs: Double
}
