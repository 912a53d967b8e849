import Foundation
import HTTPTypes
import Hummingbird

/// JSON in and out with the API's conventions: snake_case keys, sorted output, and decoding errors that say what is
/// wrong — 400 for a body that is not JSON, 422 naming the field for a wrong or missing value, 413 past the limit.
enum JSONBody {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// Read without `JSONDecoder`, for the busiest routes (see ``JSONObjectReader``).
    static func decode<T: JSONObjectDecodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let buffer = try await body(of: request, limit: limit)
        return try buffer.withUnsafeReadableBytes { bytes throws(APIError) in try T(JSONObject(parsing: bytes)) }
    }

    /// The whole body: 413 past `limit`, 400 when empty.
    private static func body(of request: Request, limit: Int) async throws(APIError) -> ByteBuffer {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(status: .contentTooLarge, code: "body_too_large", message: "the body is larger than \(limit) bytes")
        }
        guard buffer.readableBytes > 0 else {
            throw APIError(status: .badRequest, code: "empty_body", message: "expected a JSON object")
        }
        return buffer
    }

    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let buffer = try await body(of: request, limit: limit)
        do {
            return try decoder.decode(T.self, from: Data(buffer: buffer))
        } catch let DecodingError.typeMismatch(expected, context) {
            let field = path(context.codingPath)
            throw APIError(status: .unprocessableContent, code: "invalid_field", message: "\(field): expected \(describe(expected))", field: field)
        } catch let DecodingError.valueNotFound(expected, context) {
            let field = path(context.codingPath)
            throw APIError(
                status: .unprocessableContent,
                code: "invalid_field",
                message: "\(field): expected \(describe(expected)), got null",
                field: field
            )
        } catch let DecodingError.keyNotFound(key, context) {
            let field = path(context.codingPath + [key])
            throw APIError(status: .unprocessableContent, code: "missing_field", message: "\(field): required", field: field)
        } catch {
            throw APIError(status: .badRequest, code: "malformed_json", message: "the body is not valid JSON")
        }
    }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        let data = try encoder.encode(value)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// JSON written already (by a ``JSONObjectWriter``).
    /// `headers` follow the content type and length. The list is built at its final size, with room for the request
    /// id added after it: every growth of it, and Response's own set of the length on a shared copy, allocated.
    static func response(json: [UInt8], status: HTTPResponse.Status = .ok, headers: [HTTPField] = []) -> Response {
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count + 3)
        fields.append(HTTPField(name: .contentType, value: "application/json; charset=utf-8"))
        fields.append(HTTPField(name: .contentLength, value: String(json.count)))
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    /// `max_tokens`, `messages[2].content`: the wire names.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + snakeCase(key.stringValue)
            }
        }
        return text.isEmpty ? "body" : text
    }

    static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [String].Type: "a list of strings"
        default: "a value of type \(type)"
        }
    }
}
