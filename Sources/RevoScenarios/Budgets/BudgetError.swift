/// A budget input that cannot be used: a file that cannot be read or written, or one that is not what it should be.
public enum BudgetError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String, String)
    case unwritable(String, String)
    /// A file's content is wrong: where (file, or file:line) and what.
    case invalid(String, String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .unwritable(let path, let reason): "\(path): cannot write: \(reason)"
        case .invalid(let location, let reason): "\(location): error: \(reason)"
        }
    }
}
