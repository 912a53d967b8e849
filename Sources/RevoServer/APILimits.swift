import RevoCore

/// Lengths the routes check beyond what the system does, in characters (code points), as openapi.yaml states them.
enum APILimits {
    /// The longest memory a client may store.
    static let memoryLength = 8192
    /// The longest memory type or engine task type.
    static let typeLength = 64

    /// 422 naming the field when `text` is longer than `length`.
    static func check(_ text: String?, _ field: String, atMost length: Int) throws(APIError) {
        guard let text, text.codePointCount > length else { return }
        throw APIError(
            status: .unprocessableContent,
            code: "invalid_field",
            message: "\(field): must be at most \(length) characters, got \(text.codePointCount)",
            field: field
        )
    }
}
