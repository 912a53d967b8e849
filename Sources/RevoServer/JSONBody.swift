import Foundation
import HTTPTypes
import Hummingbird

/// JSON in and out with the API's conventions: snake_case keys, sorted output, and reading errors that say what is
/// wrong — 400 for a body that is not JSON, 422 naming the field for a wrong, missing or unknown member, 413 past the
/// limit.
enum JSONBody {
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

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        let data = try encoder.encode(value)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// Made once: a field's value is checked byte by byte when it is made.
    private static let jsonContentType = HTTPField(name: .contentType, value: "application/json; charset=utf-8")

    /// JSON written already (by a ``JSONObjectWriter``).
    /// `headers` follow the content type and length. The list is built at its final size, with room for the request
    /// id added after it: every growth of it, and Response's own set of the length on a shared copy, allocated.
    static func response(json: [UInt8], status: HTTPResponse.Status = .ok, headers: [HTTPField] = []) -> Response {
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count + 3)
        fields.append(jsonContentType)
        fields.append(HTTPField(name: .contentLength, value: String(json.count)))
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
