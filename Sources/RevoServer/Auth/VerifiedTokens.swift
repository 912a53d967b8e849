import Foundation
import Synchronization

/// Tokens whose signature and claims were verified, with what they say, until they expire. Bounded: when full,
/// expired entries go first and then everything, so a flood of distinct tokens costs verification, never memory.
final class VerifiedTokens: Sendable {
    private struct Entry {
        var kind: TokenService.Kind
        var identity: TokenService.Identity
    }

    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The kind and identity of `token` if it was verified and has not expired by `now`.
    func lookup(_ token: String, at now: Date) -> (TokenService.Kind, TokenService.Identity)? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.identity.expiresAt > now else {
                entries[token] = nil
                return nil
            }
            return (entry.kind, entry.identity)
        }
    }

    func insert(_ token: String, kind: TokenService.Kind, identity: TokenService.Identity, at now: Date) {
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.identity.expiresAt > now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[token] = Entry(kind: kind, identity: identity)
        }
    }
}
