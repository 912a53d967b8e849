import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// bcrypt, off the event loops: a hash costs ~0.25 s of CPU at cost 12, which must never stall other requests.
public final class PasswordHasher: Sendable {
    /// Where a hash is computed.
    public enum Placement: Sendable {
        /// On NIO's thread pool, so a server's request threads never wait on it.
        case threadPool
        /// In the calling task: a simulation, whose tasks must not leave its executor, at a low cost.
        case inline
    }

    /// bcrypt's log2 work factor (4...31); 12 by default, lower only in tests.
    public let cost: UInt8
    public let placement: Placement
    /// Verified against when the username is unknown, so a login for a missing account costs the same time as a
    /// wrong password and cannot reveal which accounts exist. Made on first need, not at start.
    private let decoy = Mutex<String?>(nil)

    public init(cost: UInt8 = 12, placement: Placement = .threadPool) {
        precondition((4...31).contains(cost), "bcrypt cost must be 4...31")
        self.cost = cost
        self.placement = placement
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        let input = Self.bcryptInput(password)
        return try await run { Bcrypt.hash(input, cost: cost) }
    }

    /// What bcrypt is given: the password itself up to bcrypt's 72 bytes; a longer one as the base64 of its SHA-256,
    /// so that every byte counts (bcrypt alone would ignore the rest) while short passwords hash as they always did.
    static func bcryptInput(_ password: String) -> String {
        guard password.utf8.count > 72 else { return password }
        return Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        switch placement {
        case .threadPool: try await NIOThreadPool.singleton.runIfActive(work)
        case .inline: work()
        }
    }

    public func verify(_ password: String, hash: String?) async throws -> Bool {
        let target: String
        if let hash {
            target = hash
        } else if let made = decoy.withLock({ $0 }) {
            target = made
        } else {
            let made = try await self.hash("revo-decoy-password")
            decoy.withLock { $0 = $0 ?? made }
            target = made
        }
        let input = Self.bcryptInput(password)
        let matches = try await run { Bcrypt.verify(input, hash: target) }
        return matches && hash != nil
    }
}
