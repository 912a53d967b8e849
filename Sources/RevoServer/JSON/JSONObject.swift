import RevoCore

/// A request body's members, read by ``JSONObjectReader``, with typed access that answers wrong input the way the rest
/// of the API does: 422 naming the field (`max_tokens: expected a whole number`), 400 for a name given twice.
struct JSONObject {
    typealias Member = JSONValue.Member
    typealias Value = JSONValue
    typealias Number = JSONValue.Number

    let members: [Member]

    /// The members of `bytes`, which must hold one JSON object.
    init(parsing bytes: UnsafeRawBufferPointer) throws(APIError) {
        let members: [Member]?
        do {
            members = try JSONObjectReader.members(of: bytes)
        } catch {
            throw APIError(status: .badRequest, code: "malformed_json", message: "the body is not valid JSON: \(error)")
        }
        guard let members else {
            throw APIError(status: .unprocessableContent, code: "invalid_field", message: "body: expected a JSON object", field: "body")
        }
        // Flat bodies have a handful of members; a set only for a long list, so a body full of names costs linear time.
        var seen = Set<String>()
        for (index, member) in members.enumerated() {
            let repeated = members.count <= 8 ? members[..<index].contains { $0.key == member.key } : !seen.insert(member.key).inserted
            if repeated { throw APIError(status: .badRequest, code: "malformed_json", message: "the body gives \"\(member.key)\" twice") }
        }
        self.members = members
    }

    /// Refuses a member the body does not have, naming it (and the field probably meant): a misspelt `max_token` would
    /// otherwise be ignored without a word.
    func allowOnly(_ keys: [String]) throws(APIError) {
        guard let unknown = members.first(where: { !keys.contains($0.key) }) else { return }
        let hint = ClosestName.closest(to: unknown.key, in: keys).map { "; did you mean \($0)?" } ?? "; allowed: " + keys.joined(separator: ", ")
        throw APIError(status: .unprocessableContent, code: "unknown_field", message: "\(unknown.key): unknown field" + hint, field: unknown.key)
    }

    /// A list of strings; nil when absent or null.
    func strings(_ key: String) throws(APIError) -> [String]? {
        switch value(key) {
        case nil: return nil
        case .array(let items):
            var strings: [String] = []
            for item in items {
                guard case .string(let text) = item else { throw Self.mismatch(key, expected: "a list of strings") }
                strings.append(text)
            }
            return strings
        default: throw Self.mismatch(key, expected: "a list of strings")
        }
    }

    /// The value of `key`; nil when absent or null, as `decodeIfPresent` reads it.
    func value(_ key: String) -> Value? {
        guard let member = members.first(where: { $0.key == key }) else { return nil }
        if case .null = member.value { return nil }
        return member.value
    }

    func string(_ key: String) throws(APIError) -> String? {
        switch value(key) {
        case nil: return nil
        case .string(let text): return text
        default: throw Self.mismatch(key, expected: "a string")
        }
    }

    /// Present and not null.
    func requiredString(_ key: String) throws(APIError) -> String {
        guard members.contains(where: { $0.key == key }) else {
            throw APIError(status: .unprocessableContent, code: "missing_field", message: "\(key): required", field: key)
        }
        guard let text = try string(key) else {
            throw APIError(status: .unprocessableContent, code: "invalid_field", message: "\(key): expected a string, got null", field: key)
        }
        return text
    }

    /// A whole number: `16`, or one written as `16.0` or `1.6e1` that is exactly whole.
    func int(_ key: String) throws(APIError) -> Int? {
        switch value(key) {
        case nil: return nil
        case .number(let number):
            if number.isIntegral, let value = Int(number.text) { return value }
            if !number.isIntegral, let value = Double(number.text), value.rounded() == value, let exact = Int(exactly: value) { return exact }
            throw Self.mismatch(key, expected: "a whole number")
        default: throw Self.mismatch(key, expected: "a whole number")
        }
    }

    func double(_ key: String) throws(APIError) -> Double? {
        switch value(key) {
        case nil: return nil
        case .number(let number):
            guard let value = Double(number.text), value.isFinite else { throw Self.mismatch(key, expected: "a number") }
            return value
        default: throw Self.mismatch(key, expected: "a number")
        }
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        switch value(key) {
        case nil: return nil
        case .bool(let flag): return flag
        default: throw Self.mismatch(key, expected: "true or false")
        }
    }

    private static func mismatch(_ key: String, expected: String) -> APIError {
        APIError(status: .unprocessableContent, code: "invalid_field", message: "\(key): expected \(expected)", field: key)
    }
}

/// A body read by ``JSONObjectReader`` rather than `JSONDecoder`.
protocol JSONObjectDecodable {
    init(_ object: JSONObject) throws(APIError)
}
