import NIOCore
import RevoRuntime

#if canImport(Glibc)
import Glibc
#endif

/// What the two ends of one proxied connection share: the proxy's toxics, this connection's seeded draws of each
/// toxic's toxicity, and the client's socket (for reset_peer). Used on the connection's event loop only.
final class ProxyLink {
    let random: SeededRandom
    private let proxy: ProxyInstance
    private let client: any Channel
    private var draws: [String: Bool] = [:]

    init(proxy: ProxyInstance, client: any Channel, index: UInt64) {
        self.proxy = proxy
        self.client = client
        self.random = proxy.random.split("connection.\(index)")
    }

    var toxics: ToxicSnapshot { proxy.snapshot }

    /// Whether `toxic` acts on this connection: drawn once per connection and toxic, from the seed, as Toxiproxy does.
    func draws(_ toxic: ActiveToxic) -> Bool {
        if toxic.toxicity >= 1 { return true }
        if toxic.toxicity <= 0 { return false }
        if let drawn = draws[toxic.name] { return drawn }
        var stream = random.split("toxicity.\(toxic.name)")
        let drawn = stream.chance(toxic.toxicity)
        draws[toxic.name] = drawn
        return drawn
    }

    /// Closes the client's socket with a TCP RST (SO_LINGER 0), as `reset_peer` does.
    func resetClient() {
        let client = self.client
        if let options = client as? any SocketOptionProvider {
            options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in client.close(promise: nil) }
        } else {
            client.close(promise: nil)
        }
    }
}
