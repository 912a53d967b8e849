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

extension EngineAnswer {
    /// What `JSONEncoder` with snake_case and sorted keys writes for it (a test compares them), written by hand: the
    /// encoder's key conversion cost more than the engines' own work.
    var json: [UInt8] {
        var writer = JSONObjectWriter(capacity: 256 + engineResponses.reduce(0) { $0 + ($1.result?.utf8.count ?? 0) })
        writer.field("engine_responses", objects: engineResponses) { object, response in
            object.field("engine", response.engine)
            object.field("error", response.error)
            object.field("execution_time_ms", response.executionTimeMs)
            object.field("result", response.result)
            object.field("success", response.success)
        }
        writer.field("primary_result", primaryResult)
        writer.field("success", success)
        writer.field("task_id", taskId)
        writer.field("total_execution_time_ms", totalExecutionTimeMs)
        return writer.finished()
    }
}
