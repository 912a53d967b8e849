import NIOCore
import Synchronization

/// The document `GET /openapi.json` serves, made on its first request: most servers, and every simulated one, never
/// serve it, and making it (parsing the contract and writing it again with sorted keys) costs more than building the
/// rest of the router.
final class ServedOpenAPIDocument: Sendable {
    private let providers: [String]
    private let made = Mutex<ByteBuffer?>(nil)

    /// - Parameter providers: the providers the chat request's `provider` enum lists.
    init(providers: [String]) {
        self.providers = providers
    }

    var body: ByteBuffer {
        made.withLock { made in
            if let made { return made }
            let body = ByteBuffer(string: OpenAPIDocument.json(providers: providers))
            made = body
            return body
        }
    }
}
