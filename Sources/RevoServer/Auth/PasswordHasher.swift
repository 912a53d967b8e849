import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// bcrypt, off the event loops: a hash costs ~0.25 s of CPU at cost 12, which must never stall other requests.
public final class PasswordHasher: Sendable {
    /// bcrypt's log2 work factor (4...31); 12 by default, lower only in tests.
    public let cost: UInt8
    /// Verified against when the username is unknown, so a login for a missing account costs the same time as a
    /// wrong password and cannot reveal which accounts exist. Made on first need, not at start.
    private let decoy = Mutex<String?>(nil)

    public init(cost: UInt8 = 12) {
        precondition((4...31).contains(cost), "bcrypt cost must be 4...31")
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
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
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: target) }
        return matches && hash != nil
    }
}
