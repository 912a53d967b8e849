import Foundation
import Synchronization

/// Tokens whose signature and claims were verified, with what they say, until they expire. Bounded: when full,
/// expired entries go first and then everything, so a flood of distinct tokens costs verification, never memory.
final class VerifiedTokens: Sendable {
    private struct Entry {
        var kind: TokenService.Kind
        var identity: TokenService.Identity
    }

    /// A token as a key: equal when its bytes are, hashed by its last bytes only. They are the signature, which
    /// differs between any two tokens this process verified; hashing all of a token's couple of hundred bytes cost more
    /// than the rest of the lookup. Only verified tokens are stored, so nobody can fill a bucket with chosen tails.
    private struct Key: Hashable {
        static let hashedBytes = 32
        let token: String

        static func == (a: Key, b: Key) -> Bool {
            let equal = a.token.utf8.withContiguousStorageIfAvailable { a in
                b.token.utf8.withContiguousStorageIfAvailable { b in
                    a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
                }
            }
            return (equal ?? nil) ?? a.token.utf8.elementsEqual(b.token.utf8)
        }

        func hash(into hasher: inout Hasher) {
            let hashed: Void? = token.utf8.withContiguousStorageIfAvailable { bytes in
                hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes.suffix(Self.hashedBytes))))
            }
            if hashed == nil {
                Array(token.utf8.suffix(Self.hashedBytes)).withUnsafeBytes { hasher.combine(bytes: $0) }
            }
        }
    }

    let capacity: Int
    private let entries = Mutex<[Key: Entry]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The kind and identity of `token` if it was verified and has not expired by `now`.
    func lookup(_ token: String, at now: Date) -> (TokenService.Kind, TokenService.Identity)? {
        let key = Key(token: token)
        return entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.identity.expiresAt > now else {
                entries[key] = nil
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
            entries[Key(token: token)] = Entry(kind: kind, identity: identity)
        }
    }
}
