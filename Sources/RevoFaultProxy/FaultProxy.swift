public import NIOCore
public import NIOPosix
import RevoRuntime

/// The fault proxy: named TCP proxies with toxics, changed through Toxiproxy's operations (see ``ControlAPI``).
///
/// The toxics' random draws (toxicity, jitter, slice sizes) come from `seed`, split by proxy, connection number and
/// toxic, so a run that opens connections in the same order draws the same.
public actor FaultProxy {
    public static let version = "2.12.0-revo"

    private let group: any EventLoopGroup
    private let random: SeededRandom
    private var proxies: [String: ProxyInstance] = [:]

    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, seed: UInt64 = 0) {
        self.group = group
        self.random = SeededRandom(seed: seed)
    }

    /// Every proxy, by name.
    public func list() -> [ProxyDefinition] {
        proxies.keys.sorted().compactMap { proxies[$0]?.definition }
    }

    public func proxy(_ name: String) throws(ToxicError) -> ProxyDefinition {
        try instance(name).definition
    }

    /// Creates and starts a proxy (with the toxics its definition lists).
    @discardableResult
    public func create(_ definition: ProxyDefinition) async throws(ToxicError) -> ProxyDefinition {
        try Self.validate(definition)
        guard proxies[definition.name] == nil else { throw .proxyExists(definition.name) }
        let instance = ProxyInstance(
            definition: ProxyDefinition(
                name: definition.name,
                listen: definition.listen,
                upstream: definition.upstream,
                enabled: definition.enabled
            ),
            group: group,
            random: random
        )
        try instance.replaceToxics { toxics, nextID throws(ToxicError) in
            for toxic in definition.toxics { try Self.append(toxic, to: &toxics, id: nextID()) }
        }
        try await instance.reconcile()
        proxies[definition.name] = instance
        for toxic in definition.toxics { scheduleExpiry(of: toxic, on: instance) }
        return instance.definition
    }

    /// Toxiproxy's `/populate`: creates the proxies given, replacing any of the same name whose addresses differ.
    public func populate(_ definitions: [ProxyDefinition]) async throws(ToxicError) -> [ProxyDefinition] {
        for definition in definitions { try Self.validate(definition) }
        var result: [ProxyDefinition] = []
        for definition in definitions {
            if let existing = proxies[definition.name] {
                let current = existing.definition
                if current.upstream == definition.upstream, Self.sameListen(current.listen, definition.listen) {
                    result.append(try await update(definition.name, ProxyUpdate(enabled: definition.enabled)))
                    continue
                }
                try await delete(definition.name)
            }
            result.append(try await create(definition))
        }
        return result
    }

    public func update(_ name: String, _ update: ProxyUpdate) async throws(ToxicError) -> ProxyDefinition {
        let instance = try instance(name)
        let before = instance.definition
        if let listen = update.listen { _ = try ProxyAddress.parse(listen, field: "listen") }
        if let upstream = update.upstream { _ = try ProxyAddress.parse(upstream, field: "upstream") }
        let moves = update.listen.map { !Self.sameListen($0, before.listen) } ?? false
        if moves { await instance.close() }
        instance.update { definition in
            if let listen = update.listen, moves { definition.listen = listen }
            if let upstream = update.upstream { definition.upstream = upstream }
            if let enabled = update.enabled { definition.enabled = enabled }
        }
        try await instance.reconcile()
        return instance.definition
    }

    public func delete(_ name: String) async throws(ToxicError) {
        let instance = try instance(name)
        proxies[name] = nil
        await instance.close()
    }

    // MARK: Toxics

    public func toxics(_ proxy: String) throws(ToxicError) -> [Toxic] {
        try instance(proxy).definition.toxics
    }

    public func toxic(_ proxy: String, _ name: String) throws(ToxicError) -> Toxic {
        guard let toxic = try toxics(proxy).first(where: { $0.name == name }) else { throw .toxicNotFound(name) }
        return toxic
    }

    @discardableResult
    public func addToxic(_ proxy: String, _ toxic: Toxic) async throws(ToxicError) -> Toxic {
        let instance = try instance(proxy)
        try instance.replaceToxics { toxics, nextID throws(ToxicError) in try Self.append(toxic, to: &toxics, id: nextID()) }
        try await instance.reconcile()
        scheduleExpiry(of: toxic, on: instance)
        return toxic
    }

    public func updateToxic(_ proxy: String, _ name: String, _ update: ToxicUpdate) async throws(ToxicError) -> Toxic {
        let instance = try instance(proxy)
        var updated: Toxic?
        try instance.replaceToxics { toxics, _ throws(ToxicError) in
            guard let index = toxics.firstIndex(where: { $0.toxic.name == name }) else { throw .toxicNotFound(name) }
            toxics[index].toxic = try toxics[index].toxic.updated(with: update)
            updated = toxics[index].toxic
        }
        try await instance.reconcile()
        return updated!
    }

    public func removeToxic(_ proxy: String, _ name: String) async throws(ToxicError) {
        let instance = try instance(proxy)
        try instance.replaceToxics { toxics, _ throws(ToxicError) in
            guard let index = toxics.firstIndex(where: { $0.toxic.name == name }) else { throw .toxicNotFound(name) }
            toxics.remove(at: index)
        }
        try await instance.reconcile()
    }

    /// Toxiproxy's `/reset`: every proxy enabled, every toxic removed.
    public func reset() async throws(ToxicError) {
        for name in proxies.keys.sorted() {
            guard let instance = proxies[name] else { continue }
            try instance.replaceToxics { toxics, _ in toxics.removeAll() }
            instance.update { $0.enabled = true }
            try await instance.reconcile()
        }
    }

    /// Closes every proxy.
    public func shutdown() async {
        for name in proxies.keys.sorted() { await proxies[name]?.close() }
        proxies = [:]
    }

    /// Open connections through a proxy (client connections; each has an upstream one too).
    public func openConnections(_ proxy: String) throws(ToxicError) -> Int {
        try instance(proxy).openConnections
    }

    // MARK: Helpers

    private func instance(_ name: String) throws(ToxicError) -> ProxyInstance {
        guard let instance = proxies[name] else { throw .proxyNotFound(name) }
        return instance
    }

    private static func validate(_ definition: ProxyDefinition) throws(ToxicError) {
        guard !definition.name.isEmpty, !definition.name.contains("/") else {
            throw .invalidField("name", "must be non-empty without '/'")
        }
        _ = try ProxyAddress.parse(definition.listen, field: "listen")
        let upstream = try ProxyAddress.parse(definition.upstream, field: "upstream")
        guard upstream.port > 0 else { throw .invalidField("upstream", "needs a port, got '\(definition.upstream)'") }
    }

    private static func append(_ toxic: Toxic, to toxics: inout [ProxyInstance.StoredToxic], id: UInt64) throws(ToxicError) {
        guard !toxics.contains(where: { $0.toxic.name == toxic.name }) else { throw .toxicExists(toxic.name) }
        toxics.append(.init(toxic: toxic, id: id))
    }

    private static func sameListen(_ a: String, _ b: String) -> Bool {
        guard let a = try? ProxyAddress.parse(a, field: "listen"), let b = try? ProxyAddress.parse(b, field: "listen") else { return false }
        return a.host == b.host && (a.port == b.port || b.port == 0)
    }

    /// Removes a toxic given `duration_ms` when its time is up, unless it was removed or replaced meanwhile.
    private func scheduleExpiry(of toxic: Toxic, on instance: ProxyInstance) {
        guard let milliseconds = toxic.durationMilliseconds else { return }
        guard let id = instance.storedID(of: toxic.name) else { return }
        Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(milliseconds))
            await self?.expire(toxic.name, id: id, on: instance)
        }
    }

    private func expire(_ name: String, id: UInt64, on instance: ProxyInstance) async {
        guard proxies[instance.name] === instance, instance.storedID(of: name) == id else { return }
        try? await removeToxic(instance.name, name)
    }
}
