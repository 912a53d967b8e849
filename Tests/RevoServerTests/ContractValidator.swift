import Foundation
import HummingbirdTesting

@testable import RevoServer

/// Checks a response against openapi.yaml as revo serve serves it: the status is documented for the operation, the
/// required headers are present, and the body validates against the response's JSON Schema. The schema keywords
/// the document uses are the ones checked: type (with "null"), properties, required, additionalProperties, items,
/// enum, minimum, maximum, minLength, maxLength, pattern and $ref.
/// Read-only after `init`, so shared across tasks safely.
struct ContractValidator: @unchecked Sendable {
    let document: [String: Any]

    init(providers: [String]) throws {
        let json = OpenAPIDocument.json(providers: providers)
        document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
    }

    /// The problems of a response the test client received.
    func problems(method: String, path: String, _ response: TestResponse) -> [String] {
        problems(
            method: method,
            path: path,
            status: Int(response.status.code),
            headers: Dictionary(response.headers.map { ($0.name.canonicalName, $0.value) }) { first, _ in first },
            body: Data(buffer: response.body)
        )
    }

    /// Every way the response breaks the contract; empty when it keeps it.
    func problems(method: String, path: String, status: Int, headers: [String: String], body: Data) -> [String] {
        let at = "\(method.uppercased()) \(path) → \(status)"
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        guard let operation = paths[path]?[method.lowercased()] as? [String: Any] else { return ["\(at): not in the document"] }
        guard let declared = (operation["responses"] as? [String: Any])?["\(status)"] as? [String: Any] else {
            return ["\(at): status not documented"]
        }
        let response = resolve(declared)
        var problems: [String] = []
        for (name, header) in response["headers"] as? [String: Any] ?? [:] {
            let header = resolve(header as? [String: Any] ?? [:])
            if header["required"] as? Bool == true, headers[name.lowercased()] == nil {
                problems.append("\(at): header \(name) missing")
            }
        }
        guard let content = response["content"] as? [String: Any] else { return problems }
        if let schema = (content["application/json"] as? [String: Any])?["schema"] as? [String: Any] {
            guard headers["content-type"]?.hasPrefix("application/json") == true else {
                return problems + ["\(at): content-type \(headers["content-type"] ?? "none"), expected application/json"]
            }
            guard let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
                return problems + ["\(at): body is not JSON"]
            }
            problems += validate(value, against: schema, at: "\(at) body")
        }
        return problems
    }

    func validate(_ value: Any, against given: [String: Any], at path: String) -> [String] {
        let schema = resolve(given)
        var problems: [String] = []
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { Self.equal($0, value) }) {
            problems.append("\(path): \(value) is not one of \(allowed)")
        }
        let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !types.isEmpty, !types.contains(where: { Self.matches(value, type: $0) }) {
            return problems + ["\(path): \(type(of: value)) \(value) is not \(types.joined(separator: " or "))"]
        }
        if let number = value as? NSNumber, !Self.isBool(value) {
            if let minimum = schema["minimum"] as? Double, number.doubleValue < minimum { problems.append("\(path): \(number) < \(minimum)") }
            if let maximum = schema["maximum"] as? Double, number.doubleValue > maximum { problems.append("\(path): \(number) > \(maximum)") }
        }
        if let text = value as? String {
            let length = text.unicodeScalars.count
            if let minimum = schema["minLength"] as? Int, length < minimum { problems.append("\(path): shorter than \(minimum)") }
            if let maximum = schema["maxLength"] as? Int, length > maximum { problems.append("\(path): longer than \(maximum)") }
            if let pattern = schema["pattern"] as? String, text.range(of: pattern, options: .regularExpression) == nil {
                problems.append("\(path): '\(text)' does not match \(pattern)")
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, item) in array.enumerated() { problems += validate(item, against: items, at: "\(path)[\(index)]") }
        }
        if let object = value as? [String: Any] {
            problems += validateObject(object, schema, at: path)
        }
        return problems
    }

    private func validateObject(_ object: [String: Any], _ schema: [String: Any], at path: String) -> [String] {
        var problems: [String] = []
        let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
        for name in schema["required"] as? [String] ?? [] where object[name] == nil {
            problems.append("\(path): \(name) missing")
        }
        for (name, member) in object.sorted(by: { $0.key < $1.key }) {
            if let property = properties[name] {
                problems += validate(member, against: property, at: "\(path).\(name)")
            } else if schema["additionalProperties"] as? Bool == false {
                problems.append("\(path): \(name) is not in the schema")
            } else if let additional = schema["additionalProperties"] as? [String: Any] {
                problems += validate(member, against: additional, at: "\(path).\(name)")
            }
        }
        return problems
    }

    /// Follows `$ref` to `#/components/...`; the sibling keywords of a `$ref` (3.1 allows a description) are kept.
    private func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let reference = schema["$ref"] as? String, reference.hasPrefix("#/") else { return schema }
        var target: Any = document
        for part in reference.dropFirst(2).split(separator: "/") {
            target = (target as? [String: Any])?[String(part)] ?? [:]
        }
        var resolved = resolve(target as? [String: Any] ?? [:])
        for (key, value) in schema where key != "$ref" && key != "description" { resolved[key] = value }
        return resolved
    }

    private static func isBool(_ value: Any) -> Bool {
        // JSONSerialization gives booleans as NSNumber too, of their own class (objCType "c").
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c" || String(describing: type(of: value)).contains("Boolean")
    }

    private static func matches(_ value: Any, type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "boolean": return isBool(value)
        case "integer":
            guard let number = value as? NSNumber, !isBool(value) else { return false }
            return number.doubleValue.rounded() == number.doubleValue
        case "number": return value is NSNumber && !isBool(value)
        case "string": return value is String
        case "array": return value is [Any]
        case "object": return value is [String: Any]
        default: return false
        }
    }

    private static func equal(_ left: Any, _ right: Any) -> Bool {
        if left is NSNull || right is NSNull { return left is NSNull && right is NSNull }
        return (left as? NSObject)?.isEqual(right) ?? false
    }
}
