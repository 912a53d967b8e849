public import HTTPTypes
public import RevoServer

/// One HTTP request as a client sends it: method, path (with its query), headers and body bytes.
public struct HTTPCall: Sendable {
    public var method: HTTPRequest.Method
    public var path: String
    public var headers: HTTPFields
    public var body: [UInt8]?

    public init(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], body: [UInt8]? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// A request with a JSON body (its content type set).
    public init(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], json: String) {
        self.init(method, path, headers: headers, body: Array(json.utf8))
        self.headers[.contentType] = "application/json"
    }
}

/// What came back: the status, the headers and the body's bytes, as a client receives them.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var headers: HTTPFields
    public var body: [UInt8]

    public init(status: Int, headers: HTTPFields, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: HTTPField.Name) -> String? {
        headers.value(name)
    }

    /// The body read as JSON; nil when it is not JSON.
    public var json: JSONValue? {
        body.withUnsafeBytes { try? JSONValue(parsing: $0) }
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}
