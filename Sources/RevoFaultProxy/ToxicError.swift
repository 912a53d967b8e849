/// Why the control API refused a proxy or toxic definition; each case names the field at fault.
public enum ToxicError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownType(String)
    case invalidAttribute(String, String)
    case invalidField(String, String)
    case proxyNotFound(String)
    case proxyExists(String)
    case toxicNotFound(String)
    case toxicExists(String)
    case listenFailed(String, String)

    /// The HTTP status Toxiproxy answers with for this error.
    public var status: Int {
        switch self {
        case .unknownType, .invalidAttribute, .invalidField: 400
        case .proxyNotFound, .toxicNotFound: 404
        case .proxyExists, .toxicExists: 409
        case .listenFailed: 500
        }
    }

    public var description: String {
        switch self {
        case .unknownType(let type): "unknown toxic type '\(type)'; allowed: \(ToxicKind.typeNames.joined(separator: ", "))"
        case .invalidAttribute(let name, let reason): "attribute '\(name)' \(reason)"
        case .invalidField(let name, let reason): "field '\(name)' \(reason)"
        case .proxyNotFound(let name): "proxy not found: \(name)"
        case .proxyExists(let name): "proxy already exists: \(name)"
        case .toxicNotFound(let name): "toxic not found: \(name)"
        case .toxicExists(let name): "toxic already exists: \(name)"
        case .listenFailed(let address, let reason): "cannot listen on \(address): \(reason)"
        }
    }
}
