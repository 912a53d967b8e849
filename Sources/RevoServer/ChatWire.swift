package import RevoCore

/// The chat route's two JSON steps on their own — its body read into a request, a reply written as its answer — so
/// the package's allocation benchmarks can count them apart from the rest of the route.
package enum ChatWire {
    package static func read(_ bytes: UnsafeRawBufferPointer) throws(APIError) -> ChatRequest {
        try ChatBody(JSONObject(parsing: bytes)).request
    }

    package static func write(_ reply: ChatReply) -> [UInt8] {
        ChatAnswer(reply).json
    }
}
